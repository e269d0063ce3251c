import { mayReachOwned } from "@shopstream/service";
import type { InventoryContext } from "../context.ts";

/**
 * Whether the caller may see the reservations of `orderId`: staff by their role; a customer only
 * for an order inventory knows to be theirs (`order_owners`, learnt from ordering's
 * OrderConfirmed). Inventory cannot tell an order that exists from one that does not, so the
 * policy table's `Entity.Order` look-up answers every order as missing (the resolver's own
 * answer) and this field narrows itself: another customer's order reads exactly as an unknown
 * one, with no reservations.
 */
const mayReachOrder = (ctx: InventoryContext, orderId: string) =>
  mayReachOwned(ctx, "Entity.Order", () => ctx.loaders.orderOwner.load(orderId));

export const Order = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  /** Batched by order id: a list of orders costs one query. */
  reservations: async (o: { id: string }, _: unknown, ctx: InventoryContext) =>
    (await mayReachOrder(ctx, o.id)) ? ctx.loaders.reservationsByOrder.load(o.id) : [],
};
