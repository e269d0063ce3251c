import { assertUuid } from "@shopstream/rules";
import type { OrderingContext } from "../context.ts";
import { listOrders } from "../orders/order.queries.ts";
import type { OrdersArgs } from "../orders/order-listing.ts";

export const Query = {
  order: (_: unknown, { id }: { id: string }, ctx: OrderingContext) =>
    ctx.loaders.order.load(assertUuid(id)),
  orders: (_: unknown, args: OrdersArgs, ctx: OrderingContext) => listOrders(ctx.prisma, args),
  cart: (_: unknown, { id }: { id: string }, ctx: OrderingContext) =>
    ctx.loaders.cart.load(assertUuid(id)),
};
