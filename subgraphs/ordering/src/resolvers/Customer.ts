import { isDomainError } from "@shopstream/errors";
import { ownershipScope } from "@shopstream/service";
import type { OrderingContext } from "../context.ts";
import { customerOrders, type OrdersScope } from "../orders/order.queries.ts";
import type { OrderStatus } from "../orders/order-status.ts";

/**
 * Whose orders `Customer.orders` may show the caller: the scope of `Query.orders`. A Customer
 * reached inside ordering (`order { customer { orders } }`) is not checked as an entity
 * reference, so the list narrows itself; a caller `Query.orders` refuses sees nobody's.
 */
function scopeOf(ctx: OrderingContext): OrdersScope {
  try {
    return ownershipScope(ctx.principal, "Query.orders");
  } catch (error) {
    if (isDomainError(error)) return { all: false, customerId: null };
    throw error;
  }
}

export const Customer = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  orders: (
    c: { id: string },
    args: { status?: OrderStatus | null; first?: number | null; after?: string | null },
    ctx: OrderingContext,
  ) => customerOrders(ctx.loaders, c.id, args, scopeOf(ctx)),
};
