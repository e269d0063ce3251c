import type { Decision } from "@shopstream/commands";
import type { NewEvent } from "@shopstream/outbox";
import type { Order } from "./order.ts";
import type { OrderStatus } from "./order-status.ts";
import { orderTotals } from "./order-totals.ts";

/** The Order's events (docs/ordering.md, "Events") and the two shapes every decision takes. */

export const ORDER_EVENT_TYPES = [
  "OrderPlaced",
  "OrderItemAdded",
  "OrderItemRemoved",
  "OrderItemQuantityChanged",
  "OrderCouponApplied",
  "OrderConfirmed",
  "OrderPaymentPending",
  "OrderPaid",
  "OrderPaymentFailed",
  "OrderProcessingStarted",
  "OrderShipmentRecorded",
  "OrderDelivered",
  "OrderCompleted",
  "OrderReturnRequested",
  "OrderReturnApproved",
  "OrderReturned",
  "OrderCancelled",
  "OrderRefunded",
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];
export type OrderEvent = NewEvent<OrderEventType, Record<string, unknown>>;

export type OrderDecision = Decision<Order, OrderEvent> & {
  /**
   * Set when the order cannot take what happened and someone must undo it elsewhere: a payment
   * that succeeded after the order was cancelled must be refunded.
   */
  compensation?: "refund-payment";
};

/** The order's event at the order's version; every payload names the order and its customer. */
export function orderEvent(
  order: Order,
  type: OrderEventType,
  payload: Record<string, unknown>,
): OrderEvent {
  return {
    type,
    aggregateType: "Order",
    aggregateId: order.id,
    aggregateVersion: order.version,
    payload: { orderId: order.id, customerId: order.customerId, ...payload },
  };
}

/**
 * One change: the next state (totals recomputed) at the next version, and the one event that
 * records it, carrying that version so versions stay gap-free. A payload function sees the new
 * state, for payloads that report the recomputed totals.
 */
export function changed(
  order: Order,
  next: Partial<Omit<Order, "id" | "version" | "totals">>,
  type: OrderEventType,
  payload: Record<string, unknown> | ((state: Order) => Record<string, unknown>),
): OrderDecision {
  const merged = { ...order, ...next };
  const { shipping, tax } = merged.totals;
  const state = {
    ...merged,
    totals: orderTotals(merged.lines, merged.coupon, shipping, tax),
    version: order.version + 1,
  };
  const body = typeof payload === "function" ? payload(state) : payload;
  return { state, events: [orderEvent(state, type, body)] };
}

/** A status change: the order moved to `to`; its event says from where, plus `details`. */
export const moved = (
  order: Order,
  to: OrderStatus,
  type: OrderEventType,
  details: Record<string, unknown> = {},
  next: Partial<Omit<Order, "id" | "version" | "totals" | "status">> = {},
): OrderDecision =>
  changed(order, { ...next, status: to }, type, {
    previousStatus: order.status,
    status: to,
    ...details,
  });

/** Nothing changed: no event, no new version. */
export const unchanged = (order: Order): OrderDecision => ({ state: order, events: [] });
