import type { OrderingContext } from "../context.ts";
import { customerOrders } from "../orders/order.queries.ts";
import type { OrderStatus } from "../orders/order-status.ts";

export const Customer = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  orders: (
    c: { id: string },
    args: { status?: OrderStatus | null; first?: number | null; after?: string | null },
    ctx: OrderingContext,
  ) => customerOrders(ctx.loaders, c.id, args),
};
