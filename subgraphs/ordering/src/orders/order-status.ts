import { DomainError } from "@shopstream/errors";
import type { Order } from "./order.ts";

/** The order's lifecycle (docs/ordering.md, "The order state machine"). */
export const ORDER_STATUSES = [
  "CREATED",
  "CONFIRMED",
  "PAYMENT_PENDING",
  "PAID",
  "PROCESSING",
  "PARTIALLY_SHIPPED",
  "SHIPPED",
  "DELIVERED",
  "COMPLETED",
  "RETURN_REQUESTED",
  "RETURN_APPROVED",
  "RETURNED",
  "CANCELLED",
  "REFUNDED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Every status and where it may go next: the transition table of docs/ordering.md. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  CREATED: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["PAYMENT_PENDING", "CANCELLED"],
  PAYMENT_PENDING: ["PAID", "CONFIRMED", "CANCELLED"],
  PAID: ["PROCESSING", "SHIPPED", "CANCELLED"],
  PROCESSING: ["PARTIALLY_SHIPPED", "SHIPPED"],
  PARTIALLY_SHIPPED: ["SHIPPED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: ["COMPLETED", "RETURN_REQUESTED"],
  RETURN_REQUESTED: ["RETURN_APPROVED"],
  RETURN_APPROVED: ["RETURNED"],
  RETURNED: ["REFUNDED"],
  COMPLETED: [],
  CANCELLED: ["REFUNDED"],
  REFUNDED: [],
};

/**
 * The statuses of an order that was paid and not cancelled: PAID through RETURNED, in the order
 * listed above. The checkout is over for them, so a payment report about them is late.
 */
export const PAID_OR_LATER: readonly OrderStatus[] = ORDER_STATUSES.slice(
  ORDER_STATUSES.indexOf("PAID"),
  ORDER_STATUSES.indexOf("RETURNED") + 1,
);

/**
 * Throws INVALID_STATE_TRANSITION unless the table allows `order.status → to` and, when given,
 * the action may start from `order.status` (two actions can lead to one status: confirm and a
 * failed payment both reach CONFIRMED, from different statuses).
 */
export function assertTransition(
  order: Order,
  to: OrderStatus,
  action: string,
  from?: readonly OrderStatus[],
): void {
  if (!ORDER_TRANSITIONS[order.status].includes(to) || (from && !from.includes(order.status))) {
    throw DomainError.invalidTransition("Order", order.status, action);
  }
}

/** INVALID_STATE_TRANSITION unless the order is in one of `statuses`. */
export function assertStatus(order: Order, statuses: readonly OrderStatus[], action: string) {
  if (!statuses.includes(order.status)) {
    throw DomainError.invalidTransition("Order", order.status, action);
  }
}
