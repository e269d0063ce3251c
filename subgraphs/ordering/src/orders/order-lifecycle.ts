import { DomainError, type FieldError } from "@shopstream/errors";
import {
  amountProblem,
  assertTransition,
  changed,
  type Order,
  type OrderDecision,
  type OrderStatus,
  REASON_MAX,
  type Shipment,
  unchanged,
} from "./order.ts";

/**
 * The Order status machine (DOMAIN.md's state table) and the checkout saga's steps on the order.
 * Every move outside the table is INVALID_STATE_TRANSITION, except the harmless repeats DOMAIN.md
 * lists, which return the order unchanged with no event: cancelling a CANCELLED order, a second
 * payment success, and a payment report after cancellation (or after the saga ended).
 */

/** Statuses in which the payment was captured and the saga is over: payment reports are late. */
const AFTER_PAYMENT: readonly OrderStatus[] = [
  "PAID",
  "PROCESSING",
  "PARTIALLY_SHIPPED",
  "SHIPPED",
  "DELIVERED",
  "COMPLETED",
  "RETURN_REQUESTED",
  "RETURN_APPROVED",
  "RETURNED",
  "REFUNDED",
];

const status = (order: Order, to: OrderStatus) => ({ previousStatus: order.status, status: to });

function optionalReason(reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() ?? "";
  if (trimmed.length > REASON_MAX) {
    throw DomainError.validation([
      { field: "reason", message: `must be at most ${REASON_MAX} characters` },
    ]);
  }
  return trimmed.length > 0 ? trimmed : null;
}

/** CREATED → CONFIRMED; starts the checkout saga, which reserves these lines and charges this total. */
export function confirmOrder(order: Order): OrderDecision {
  assertTransition(order, "CONFIRMED", "confirm", ["CREATED"]);
  return changed(order, { status: "CONFIRMED" }, "OrderConfirmed", {
    ...status(order, "CONFIRMED"),
    currency: order.currency,
    lines: order.lines.map((l) => ({ lineId: l.id, variantId: l.variantId, quantity: l.quantity })),
    totals: order.totals,
  });
}

/** Saga: stock is reserved and a payment was initiated. CONFIRMED → PAYMENT_PENDING. */
export function markPaymentPending(order: Order, payment: { paymentId: string }): OrderDecision {
  if (order.status !== "CONFIRMED") {
    throw DomainError.invalidTransition("Order", order.status, "mark payment pending for");
  }
  return changed(order, { status: "PAYMENT_PENDING" }, "OrderPaymentPending", {
    ...status(order, "PAYMENT_PENDING"),
    paymentId: payment.paymentId,
    amount: { amount: order.totals.grandTotal, currency: order.currency },
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
  if (order.status !== "PAYMENT_PENDING") {
    throw DomainError.invalidTransition("Order", order.status, "record a payment success for");
  }
  return changed(order, { status: "PAID", paymentCaptured: true }, "OrderPaid", {
    ...status(order, "PAID"),
    paymentId: payment.paymentId,
    amount: { amount: payment.amount, currency: order.currency },
  });
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
  if (order.status !== "PAYMENT_PENDING") {
    throw DomainError.invalidTransition("Order", order.status, "record a payment failure for");
  }
  if (!Number.isSafeInteger(failure.attemptsLeft) || failure.attemptsLeft < 0) {
    throw DomainError.validation([
      { field: "attemptsLeft", message: "must be a whole number, at least 0" },
    ]);
  }
  if (failure.attemptsLeft === 0) {
    return changed(order, { status: "CANCELLED" }, "OrderCancelled", {
      ...status(order, "CANCELLED"),
      reason: `payment failed: ${failure.reason}`,
      paymentId: failure.paymentId,
      refundRequired: false,
      refundAmount: null,
    });
  }
  return changed(order, { status: "CONFIRMED" }, "OrderPaymentFailed", {
    ...status(order, "CONFIRMED"),
    paymentId: failure.paymentId,
    reason: failure.reason,
    attemptsLeft: failure.attemptsLeft,
    retryAllowed: true,
  });
}

/** PAID → PROCESSING (the warehouse started picking). */
export function markOrderProcessing(order: Order): OrderDecision {
  assertTransition(order, "PROCESSING", "start processing");
  return changed(order, { status: "PROCESSING" }, "OrderProcessingStarted", {
    ...status(order, "PROCESSING"),
  });
}

/** Units of each line not yet in a shipment. */
export function unshipped(order: Order): Map<string, number> {
  const left = new Map(order.lines.map((l) => [l.id, l.quantity]));
  for (const shipment of order.shipments) {
    for (const s of shipment.lines) left.set(s.lineId, (left.get(s.lineId) ?? 0) - s.quantity);
  }
  return left;
}

function shipmentProblems(order: Order, lines: Shipment["lines"]): FieldError[] {
  const left = unshipped(order);
  const problems: FieldError[] = [];
  if (lines.length === 0) problems.push({ field: "lines", message: "must list at least one line" });
  const seen = new Set<string>();
  lines.forEach((l, i) => {
    const remaining = left.get(l.lineId);
    if (remaining === undefined) {
      problems.push({ field: `lines.${i}.lineId`, message: "is not a line of this order" });
    } else if (seen.has(l.lineId)) {
      problems.push({ field: `lines.${i}.lineId`, message: "appears twice in this shipment" });
    } else if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > remaining) {
      problems.push({
        field: `lines.${i}.quantity`,
        message: `must be a whole number from 1 to the ${remaining} unit(s) not yet shipped`,
      });
    }
    seen.add(l.lineId);
  });
  return problems;
}

const sameLines = (a: Shipment["lines"], b: Shipment["lines"]) =>
  JSON.stringify([...a].sort((x, y) => x.lineId.localeCompare(y.lineId))) ===
  JSON.stringify([...b].sort((x, y) => x.lineId.localeCompare(y.lineId)));

/**
 * Records a shipment of all remaining units (`lines` omitted) or of some. Shipping everything left
 * ends in SHIPPED; anything less in PARTIALLY_SHIPPED, which the table allows from PROCESSING (and
 * PARTIALLY_SHIPPED, for a further partial shipment) but not from PAID. Recording the same
 * shipment id again with the same lines changes nothing; with other lines it is DUPLICATE.
 */
export function recordOrderShipment(
  order: Order,
  shipment: { shipmentId: string; lines?: Shipment["lines"] },
): OrderDecision {
  const previous = order.shipments.find((s) => s.id === shipment.shipmentId);
  if (previous) {
    if (!shipment.lines || sameLines(previous.lines, shipment.lines)) return unchanged(order);
    throw DomainError.duplicate("shipment", "shipmentId");
  }
  const shippable: readonly OrderStatus[] = ["PAID", "PROCESSING", "PARTIALLY_SHIPPED"];
  if (!shippable.includes(order.status)) {
    throw DomainError.invalidTransition("Order", order.status, "record a shipment for");
  }
  const left = unshipped(order);
  const lines =
    shipment.lines ??
    [...left].filter(([, q]) => q > 0).map(([lineId, quantity]) => ({ lineId, quantity }));
  const problems = shipmentProblems(order, lines);
  if (problems.length > 0) throw DomainError.validation(problems);
  for (const l of lines) left.set(l.lineId, (left.get(l.lineId) ?? 0) - l.quantity);
  const complete = [...left.values()].every((q) => q === 0);
  const to: OrderStatus = complete ? "SHIPPED" : "PARTIALLY_SHIPPED";
  if (!(to === "PARTIALLY_SHIPPED" && order.status === "PARTIALLY_SHIPPED")) {
    assertTransition(order, to, complete ? "ship" : "partially ship");
  }
  const recorded: Shipment = { id: shipment.shipmentId, lines };
  return changed(
    order,
    { status: to, shipments: [...order.shipments, recorded] },
    "OrderShipmentRecorded",
    {
      ...status(order, to),
      shipmentId: recorded.id,
      lines,
      unshipped: [...left].map(([lineId, quantity]) => ({ lineId, quantity })),
    },
  );
}

/** SHIPPED → DELIVERED. */
export function recordOrderDelivery(order: Order): OrderDecision {
  assertTransition(order, "DELIVERED", "record the delivery of");
  return changed(order, { status: "DELIVERED" }, "OrderDelivered", status(order, "DELIVERED"));
}

/** DELIVERED → COMPLETED (terminal). */
export function completeOrder(order: Order): OrderDecision {
  assertTransition(order, "COMPLETED", "complete");
  return changed(order, { status: "COMPLETED" }, "OrderCompleted", status(order, "COMPLETED"));
}

/** DELIVERED → RETURN_REQUESTED, with an optional reason (≤500). Returns cover the whole order. */
export function requestOrderReturn(
  order: Order,
  request: { reason?: string | null } = {},
): OrderDecision {
  const reason = optionalReason(request.reason);
  assertTransition(order, "RETURN_REQUESTED", "request a return of");
  return changed(order, { status: "RETURN_REQUESTED" }, "OrderReturnRequested", {
    ...status(order, "RETURN_REQUESTED"),
    reason,
  });
}

/** RETURN_REQUESTED → RETURN_APPROVED. */
export function approveOrderReturn(order: Order): OrderDecision {
  assertTransition(order, "RETURN_APPROVED", "approve a return of");
  return changed(order, { status: "RETURN_APPROVED" }, "OrderReturnApproved", {
    ...status(order, "RETURN_APPROVED"),
  });
}

/** RETURN_APPROVED → RETURNED: the goods are back; a refund of the grand total follows. */
export function recordOrderReturn(order: Order): OrderDecision {
  assertTransition(order, "RETURNED", "record the return of");
  return changed(order, { status: "RETURNED" }, "OrderReturned", {
    ...status(order, "RETURNED"),
    refundRequired: true,
    refundAmount: { amount: order.totals.grandTotal, currency: order.currency },
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
  return changed(order, { status: "CANCELLED" }, "OrderCancelled", {
    ...status(order, "CANCELLED"),
    reason,
    refundRequired,
    refundAmount: refundRequired
      ? { amount: order.totals.grandTotal, currency: order.currency }
      : null,
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
  return changed(order, { status: "REFUNDED" }, "OrderRefunded", {
    ...status(order, "REFUNDED"),
    refundId: refund.refundId,
    amount: { amount: refund.amount, currency: order.currency },
  });
}
