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
    /** Whose each order is, as inventory knows it (`order_owners`, from OrderConfirmed). */
    orderOwner: byIdLoader(async (ids) =>
      (await db.orderOwner.findMany({ where: { orderId: { in: ids } } })).map((r) => ({
        id: r.orderId,
        customerId: r.customerId,
      })),
    ),
  };
}
