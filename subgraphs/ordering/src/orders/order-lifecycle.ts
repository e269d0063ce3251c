import { DomainError } from "@shopstream/errors";
import type { Order } from "./order.ts";
import { moved, type OrderDecision, unchanged } from "./order-events.ts";
import { amountProblem, optionalReason } from "./order-rules.ts";
import { assertStatus, assertTransition, type OrderStatus, PAID_OR_LATER } from "./order-status.ts";

/**
 * The Order's moves through its status machine, including the checkout saga's steps on the order
 * (docs/ordering.md, "The order state machine"). Every move outside the table is
 * INVALID_STATE_TRANSITION, except the harmless repeats the table lists, which return the order
 * unchanged with no event: cancelling a CANCELLED order, a second payment success, and a payment
 * report after cancellation (or after the saga ended). Shipments are in `order-shipments.ts`.
 */

/** Statuses in which a payment report comes too late: the payment was captured, the saga is over. */
const AFTER_PAYMENT: readonly OrderStatus[] = [...PAID_OR_LATER, "REFUNDED"];

/** The grand total, as money: what a refund of the whole order gives back. */
const grandTotal = (order: Order) => ({
  amount: order.totals.grandTotal,
  currency: order.currency,
});

/** CREATED → CONFIRMED; starts the checkout saga, which reserves these lines and charges this total. */
export function confirmOrder(order: Order): OrderDecision {
  assertTransition(order, "CONFIRMED", "confirm", ["CREATED"]);
  return moved(order, "CONFIRMED", "OrderConfirmed", {
    currency: order.currency,
    lines: order.lines.map((l) => ({ lineId: l.id, variantId: l.variantId, quantity: l.quantity })),
    totals: order.totals,
  });
}

/** Saga: stock is reserved and a payment was initiated. CONFIRMED → PAYMENT_PENDING. */
export function markPaymentPending(order: Order, payment: { paymentId: string }): OrderDecision {
  assertStatus(order, ["CONFIRMED"], "mark payment pending for");
  return moved(order, "PAYMENT_PENDING", "OrderPaymentPending", {
    paymentId: payment.paymentId,
    amount: grandTotal(order),
  });
}

/**
 * Saga: the provider captured the payment. PAYMENT_PENDING → PAID. A second success changes
 * nothing; a success after the order was cancelled (and before it was ever paid) changes nothing
 * either, but tells the saga to refund the captured money.
 */
export function recordPaymentSucceeded(
  order: Order,
  payment: { paymentId: string; amount: number },
): OrderDecision {
  if (order.status === "CANCELLED") {
    return order.paymentCaptured
      ? unchanged(order)
      : { ...unchanged(order), compensation: "refund-payment" };
  }
  if (AFTER_PAYMENT.includes(order.status)) return unchanged(order);
  assertStatus(order, ["PAYMENT_PENDING"], "record a payment success for");
  const details = {
    paymentId: payment.paymentId,
    amount: { amount: payment.amount, currency: order.currency },
  };
  return moved(order, "PAID", "OrderPaid", details, { paymentCaptured: true });
}

/**
 * Saga: the provider reported a failure. With attempts left the order goes back to CONFIRMED to
 * await a retry; with none left it is CANCELLED (one OrderCancelled event whose `reason` says why).
 * A report after cancellation or after the payment succeeded changes nothing.
 */
export function recordPaymentFailed(
  order: Order,
  failure: { paymentId: string; reason: string; attemptsLeft: number },
): OrderDecision {
  if (order.status === "CANCELLED" || AFTER_PAYMENT.includes(order.status)) return unchanged(order);
  assertStatus(order, ["PAYMENT_PENDING"], "record a payment failure for");
  if (!Number.isSafeInteger(failure.attemptsLeft) || failure.attemptsLeft < 0) {
    throw DomainError.validation([
      { field: "attemptsLeft", message: "must be a whole number, at least 0" },
    ]);
  }
  if (failure.attemptsLeft === 0) {
    return moved(order, "CANCELLED", "OrderCancelled", {
      reason: `payment failed: ${failure.reason}`,
      paymentId: failure.paymentId,
      refundRequired: false,
      refundAmount: null,
    });
  }
  return moved(order, "CONFIRMED", "OrderPaymentFailed", {
    paymentId: failure.paymentId,
    reason: failure.reason,
    attemptsLeft: failure.attemptsLeft,
    retryAllowed: true,
  });
}

/** PAID → PROCESSING (the warehouse started picking). */
export function markOrderProcessing(order: Order): OrderDecision {
  assertTransition(order, "PROCESSING", "start processing");
  return moved(order, "PROCESSING", "OrderProcessingStarted");
}

/** SHIPPED → DELIVERED. */
export function recordOrderDelivery(order: Order): OrderDecision {
  assertTransition(order, "DELIVERED", "record the delivery of");
  return moved(order, "DELIVERED", "OrderDelivered");
}

/** DELIVERED → COMPLETED (terminal). */
export function completeOrder(order: Order): OrderDecision {
  assertTransition(order, "COMPLETED", "complete");
  return moved(order, "COMPLETED", "OrderCompleted");
}

/** DELIVERED → RETURN_REQUESTED, with an optional reason (≤500). Returns cover the whole order. */
export function requestOrderReturn(
  order: Order,
  request: { reason?: string | null } = {},
): OrderDecision {
  const reason = optionalReason(request.reason);
  assertTransition(order, "RETURN_REQUESTED", "request a return of");
  return moved(order, "RETURN_REQUESTED", "OrderReturnRequested", { reason });
}

/** RETURN_REQUESTED → RETURN_APPROVED. */
export function approveOrderReturn(order: Order): OrderDecision {
  assertTransition(order, "RETURN_APPROVED", "approve a return of");
  return moved(order, "RETURN_APPROVED", "OrderReturnApproved");
}

/** RETURN_APPROVED → RETURNED: the goods are back; a refund of the grand total follows. */
export function recordOrderReturn(order: Order): OrderDecision {
  assertTransition(order, "RETURNED", "record the return of");
  return moved(order, "RETURNED", "OrderReturned", {
    refundRequired: true,
    refundAmount: grandTotal(order),
  });
}

/**
 * CREATED, CONFIRMED, PAYMENT_PENDING or PAID → CANCELLED. Cancelling a PAID order says a refund
 * of the grand total follows. Cancelling a CANCELLED order changes nothing.
 */
export function cancelOrder(order: Order, request: { reason?: string | null } = {}): OrderDecision {
  const reason = optionalReason(request.reason);
  if (order.status === "CANCELLED") return unchanged(order);
  assertTransition(order, "CANCELLED", "cancel");
  // Only a PAID order holds captured money (the table's "refund follows").
  const refundRequired = order.status === "PAID";
  return moved(order, "CANCELLED", "OrderCancelled", {
    reason,
    refundRequired,
    refundAmount: refundRequired ? grandTotal(order) : null,
  });
}

/** RETURNED or CANCELLED → REFUNDED, when the refund completed (amount in minor units). */
export function recordRefunded(
  order: Order,
  refund: { refundId: string; amount: number },
): OrderDecision {
  assertTransition(order, "REFUNDED", "record a refund for");
  const problem = amountProblem(refund.amount, 1);
  if (problem) throw DomainError.validation([{ field: "amount", message: problem }]);
  return moved(order, "REFUNDED", "OrderRefunded", {
    refundId: refund.refundId,
    amount: { amount: refund.amount, currency: order.currency },
  });
}
