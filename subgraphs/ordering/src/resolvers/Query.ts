import { assertUuid } from "@shopstream/rules";
import { ownershipScope } from "@shopstream/service";
import type { OrderingContext } from "../context.ts";
import { listOrders } from "../orders/order.queries.ts";
import type { OrdersArgs } from "../orders/order-listing.ts";

// `order` and `cart` are checked by the policy table before they run (another customer's is
// null, as a missing one); `orders` has no argument naming an owner, so it narrows itself.
export const Query = {
  order: (_: unknown, { id }: { id: string }, ctx: OrderingContext) =>
    ctx.loaders.order.load(assertUuid(id)),
  orders: (_: unknown, args: OrdersArgs, ctx: OrderingContext) =>
    listOrders(ctx.prisma, args, ownershipScope(ctx.principal, "Query.orders")),
  cart: (_: unknown, { id }: { id: string }, ctx: OrderingContext) =>
    ctx.loaders.cart.load(assertUuid(id)),
};
