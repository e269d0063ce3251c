import type { InventoryContext } from "../context.ts";

export const Order = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  /** Batched by order id: a list of orders costs one query. */
  reservations: (o: { id: string }, _: unknown, ctx: InventoryContext) =>
    ctx.loaders.reservationsByOrder.load(o.id),
};
