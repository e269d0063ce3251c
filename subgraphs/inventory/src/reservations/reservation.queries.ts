import { byIdLoader } from "@shopstream/service";
import type { InventoryDb } from "../db.ts";
import { findReservations, findReservationsOfOrders } from "./reservation.repository.ts";

/** Per-request loaders for reservations: by id, and every reservation of an order. */
export function reservationLoaders(db: InventoryDb) {
  return {
    reservation: byIdLoader((ids) => findReservations(db, ids)),
    reservationsByOrder: byIdLoader((ids) => findReservationsOfOrders(db, ids), {
      many: (r) => r.orderId ?? "",
    }),
  };
}
