import { createHash } from "node:crypto";
import type { Order } from "../orders/order.ts";
import { type OrderDecision, unchanged } from "../orders/order-events.ts";
import {
  cancelOrder,
  markPaymentPending,
  recordPaymentFailed,
  recordPaymentSucceeded,
  recordRefunded,
} from "../orders/order-lifecycle.ts";

/**
 * The checkout saga's reactions on the order (docs/ordering.md, "The checkout saga"), pure: each
 * takes the order, what its history says about the saga so far, and the reported fact, and
 * returns the lifecycle decision — or the order unchanged when the fact was already applied,
 * arrives late, or is not about this order's checkout payment. Events may arrive twice or late;
 * none of these throws for a repeat.
 */

/** RFC 4122 URL namespace; any fixed namespace works, it only has to never change. */
const NAMESPACE = Buffer.from("6ba7b8119dad11d180b400c04fd430c8", "hex");

/** UUID v5 (SHA-1, name-based) of `name`: the same name always gives the same id. */
export function uuidV5(name: string): string {
  const hash = createHash("sha1").update(NAMESPACE).update(name, "utf8").digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The idempotency key of an order's checkout payment (payments deduplicates on it). */
export const checkoutIdempotencyKey = (orderId: string) => `order:${orderId}:payment`;

/** The id of an order's checkout payment: UUID v5 of its idempotency key, so every party derives it. */
export const checkoutPaymentId = (orderId: string) => uuidV5(checkoutIdempotencyKey(orderId));

/** What the order's history (`order_event`) says about the saga so far. */
export interface SagaHistory {
  /** OrderPaymentPending events so far: the first payment attempt plus each retry. */
  paymentPendings: number;
  /** OrderPaymentFailed events so far (failures with attempts left). */
  paymentFailures: number;
  /** Type of the order's latest event. */
  lastEventType: string | null;
}

export function sagaHistory(eventTypes: readonly string[]): SagaHistory {
  return {
    paymentPendings: eventTypes.filter((t) => t === "OrderPaymentPending").length,
    paymentFailures: eventTypes.filter((t) => t === "OrderPaymentFailed").length,
    lastEventType: eventTypes.at(-1) ?? null,
  };
}

/** Inventory reserved every line: CONFIRMED → PAYMENT_PENDING with the checkout payment's id. */
export function onStockReserved(order: Order, history: SagaHistory): OrderDecision {
  if (order.status !== "CONFIRMED" || history.paymentPendings > 0) return unchanged(order);
  return markPaymentPending(order, { paymentId: checkoutPaymentId(order.id) });
}

/** Inventory could not reserve every line: a CONFIRMED order is cancelled. */
export function onStockShortage(order: Order): OrderDecision {
  if (order.status !== "CONFIRMED") return unchanged(order);
  return cancelOrder(order, { reason: "insufficient stock" });
}

const foreign = (order: Order, paymentId: string) => paymentId !== checkoutPaymentId(order.id);

/**
 * The checkout payment succeeded: PAYMENT_PENDING → PAID; a repeat, or a success after the order
 * was cancelled, changes nothing (payments refunds such a capture itself).
 */
export function onPaymentSucceeded(
  order: Order,
  payment: { paymentId: string; amount: number },
): OrderDecision {
  if (foreign(order, payment.paymentId)) return unchanged(order);
  const decision = recordPaymentSucceeded(order, payment);
  return { state: decision.state, events: decision.events };
}

/**
 * An attempt of the checkout payment failed: with attempts left the order goes back to CONFIRMED
 * awaiting a retry, with none it is cancelled. A failure already recorded (the order has as many
 * OrderPaymentFailed events as the attempt's number), or one reported when the order is not
 * awaiting a payment, changes nothing.
 */
export function onPaymentFailed(
  order: Order,
  history: SagaHistory,
  failure: { paymentId: string; reason: string; attempt: number; attemptsLeft: number },
): OrderDecision {
  if (foreign(order, failure.paymentId)) return unchanged(order);
  if (order.status !== "PAYMENT_PENDING" || history.paymentFailures >= failure.attempt) {
    return unchanged(order);
  }
  return recordPaymentFailed(order, failure);
}

/**
 * The checkout payment is being retried: a CONFIRMED order awaiting a retry (its latest event is
 * OrderPaymentFailed) goes back to PAYMENT_PENDING. Anything else — a repeat, an order cancelled
 * meanwhile — changes nothing.
 */
export function onPaymentRetried(
  order: Order,
  history: SagaHistory,
  retry: { paymentId: string; attempt: number },
): OrderDecision {
  if (foreign(order, retry.paymentId)) return unchanged(order);
  if (
    order.status !== "CONFIRMED" ||
    history.lastEventType !== "OrderPaymentFailed" ||
    history.paymentPendings >= retry.attempt
  ) {
    return unchanged(order);
  }
  return markPaymentPending(order, { paymentId: retry.paymentId });
}

/** A reservation of the order expired: an order not yet paid is cancelled. */
export function onReservationReleased(order: Order, release: { reason: unknown }): OrderDecision {
  if (release.reason !== "EXPIRED") return unchanged(order);
  if (order.status !== "CONFIRMED" && order.status !== "PAYMENT_PENDING") return unchanged(order);
  return cancelOrder(order, { reason: "reservation expired" });
}

/**
 * A refund of the checkout payment completed (after the saga: the same consumer follows the
 * payment). RETURNED or CANCELLED → REFUNDED when the refund completes, i.e. when the money the
 * order took is back with the customer — payments reports the payment REFUNDED
 * once its completed refunds add up to everything captured. A partial refund (a goodwill refund
 * on a delivered order, or the first of several), a refund of another payment, an order in any
 * other status, or a repeat changes nothing.
 */
export function onRefundCompleted(
  order: Order,
  refund: { paymentId: string; refundId: string; paymentStatus: string; refundedTotal: number },
): OrderDecision {
  if (foreign(order, refund.paymentId) || refund.paymentStatus !== "REFUNDED") {
    return unchanged(order);
  }
  if (order.status !== "RETURNED" && order.status !== "CANCELLED") return unchanged(order);
  return recordRefunded(order, { refundId: refund.refundId, amount: refund.refundedTotal });
}
