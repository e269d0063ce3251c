import type { InventoryContext } from "../context.ts";
import type { Reservation as ReservationModel } from "../reservations/reservation.ts";

export const Reservation = {
  __resolveReference: (ref: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.reservation.load(ref.id),
  stockItem: (r: ReservationModel, _: unknown, ctx: InventoryContext) =>
    ctx.loaders.stockItem.load(r.stockItemId),
};
