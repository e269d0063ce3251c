import { type Page, type PageArgs, parsePage, timeIdCursor } from "@shopstream/connection";
import { collect, uuidProblem } from "@shopstream/rules";
import { ORDER_STATUSES, type OrderStatus } from "./order-status.ts";

/**
 * `orders` and `Customer.orders`, pure part: argument checks and cursors. Orders are listed
 * newest first (createdAt desc, id desc); a cursor holds the key of its edge.
 */

export interface OrdersArgs extends PageArgs {
  filter?: { customerId?: string | null; status?: OrderStatus | null } | null;
}

/** Cursors of the orders list: an order's creation time and id. */
export const ORDER_CURSORS = timeIdCursor("orders");

export type OrderKey = NonNullable<ReturnType<typeof ORDER_CURSORS.decode>>;

export interface OrdersQuery extends Page<OrderKey> {
  customerId: string | null;
  status: OrderStatus | null;
}

/** The cursor of an order row: its key in the list's order. */
export const orderCursor = (row: { createdAt: Date; id: string }) =>
  ORDER_CURSORS.encode({ at: row.createdAt.toISOString(), id: row.id });

/** Validates every argument at once (VALIDATION_FAILED names `first`, `after`, `filter.*`). */
export function parseOrdersArgs(args: OrdersArgs): OrdersQuery {
  const customerId = args.filter?.customerId ?? null;
  const status = args.filter?.status ?? null;
  const filterProblems = collect(
    [
      ["customerId", uuidProblem(customerId)],
      [
        "status",
        status === null || ORDER_STATUSES.includes(status) ? null : "is not an order status",
      ],
    ],
    "filter",
  );
  return { customerId, status, ...parsePage(args, ORDER_CURSORS, filterProblems) };
}
