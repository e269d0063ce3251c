import type { Decision } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import { isCurrency, type Money } from "@shopstream/money";
import type { NewEvent } from "@shopstream/outbox";
import { cleanText, collect, optionalText, type Problem, throwIfAny } from "@shopstream/rules";

/**
 * The Payment aggregate's rules (docs/payments.md, "Payment"): its state machine, attempts,
 * refunds against the captured amount, and the events each decision raises. Pure: the commands
 * load and store, the provider's webhooks report outcomes.
 */

export const PAYMENT_STATUSES = [
  "PENDING",
  "SUCCEEDED",
  "FAILED",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export const MAX_ATTEMPTS = 3;

export interface Refund {
  id: string;
  amount: number;
  status: "REQUESTED" | "COMPLETED" | "FAILED";
  reason: string | null;
}

export interface Payment {
  id: string;
  orderId: string;
  amount: Money;
  status: PaymentStatus;
  attempts: number;
  idempotencyKey: string;
  /** Amount captured by the provider (0 until SUCCEEDED). */
  captured: number;
  refunds: Refund[];
  version: number;
}

export type PaymentEvent = NewEvent<string, Record<string, unknown>>;

export type PaymentDecision = Decision<Payment, PaymentEvent>;

/** Unchanged: no event, so nothing is written. */
const unchanged = (p: Payment): PaymentDecision => ({ state: p, events: [] });

/** Amounts are integer minor units; a payment or refund moves at least one. */
const minorUnitsProblem = (amount: number): Problem =>
  Number.isSafeInteger(amount) && amount >= 1
    ? null
    : "must be a whole number of minor units, at least 1";

/** The key is the caller's token, compared as given (not text), so it is measured as given. */
const idempotencyKeyProblem = (key: string): Problem =>
  key.trim().length === 0 || key.length > 255 ? "is required (1–255 characters)" : null;

const event = (p: Payment, type: string, payload: Record<string, unknown>): PaymentEvent => ({
  type,
  aggregateType: "Payment",
  aggregateId: p.id,
  aggregateVersion: p.version,
  payload: { paymentId: p.id, orderId: p.orderId, ...payload },
});

/** Applies a state change: bumps the version by one and raises the matching event. */
function change(
  p: Payment,
  next: Partial<Payment>,
  type: string,
  payload: Record<string, unknown>,
): PaymentDecision {
  const state = { ...p, ...next, version: p.version + 1 };
  return { state, events: [event(state, type, payload)] };
}

export function initiatePayment(input: {
  id: string;
  orderId: string;
  amount: Money;
  idempotencyKey: string;
}): PaymentDecision {
  throwIfAny(
    collect([
      ["amount.amount", minorUnitsProblem(input.amount.amount)],
      ["amount.currency", isCurrency(input.amount.currency) ? null : "must be an ISO 4217 code"],
      ["idempotencyKey", idempotencyKeyProblem(input.idempotencyKey)],
    ]),
  );
  const state: Payment = {
    id: input.id,
    orderId: input.orderId,
    amount: input.amount,
    status: "PENDING",
    attempts: 1,
    idempotencyKey: input.idempotencyKey,
    captured: 0,
    refunds: [],
    version: 1,
  };
  return {
    state,
    events: [event(state, "PaymentInitiated", { amount: input.amount, attempt: 1 })],
  };
}

/**
 * The provider reported success. A repeat (already SUCCEEDED or later) changes nothing: webhooks
 * may arrive twice or late.
 */
export function recordPaymentSucceeded(p: Payment): PaymentDecision {
  if (p.status !== "PENDING") {
    if (p.status === "FAILED")
      throw DomainError.invalidTransition("payment", p.status, "record success for");
    return unchanged(p);
  }
  return change(p, { status: "SUCCEEDED", captured: p.amount.amount }, "PaymentSucceeded", {
    amount: p.amount,
    attempt: p.attempts,
  });
}

/** The provider reported failure; `attemptsLeft` tells the saga whether a retry is possible. */
export function recordPaymentFailed(p: Payment, reason: string): PaymentDecision {
  if (p.status !== "PENDING") return unchanged(p);
  return change(p, { status: "FAILED" }, "PaymentFailed", {
    reason,
    attempt: p.attempts,
    attemptsLeft: MAX_ATTEMPTS - p.attempts,
  });
}

/** FAILED → PENDING for another attempt, at most MAX_ATTEMPTS in all. */
export function retryPayment(p: Payment): PaymentDecision {
  if (p.status !== "FAILED") throw DomainError.invalidTransition("payment", p.status, "retry");
  if (p.attempts >= MAX_ATTEMPTS) {
    throw new DomainError(
      "INVALID_STATE_TRANSITION",
      `Payment ${p.id} already used all ${MAX_ATTEMPTS} attempts`,
      {
        entity: "payment",
        from: p.status,
        action: "retry",
      },
    );
  }
  return change(p, { status: "PENDING", attempts: p.attempts + 1 }, "PaymentRetried", {
    attempt: p.attempts + 1,
  });
}

/** Money already promised back: requested plus completed refunds. */
export const refundedOrPending = (p: Payment) =>
  p.refunds.filter((r) => r.status !== "FAILED").reduce((sum, r) => sum + r.amount, 0);

/** Captured money not yet promised back by a refund. */
export const refundable = (p: Payment) => p.captured - refundedOrPending(p);

const isCaptured = (p: Payment) => p.status === "SUCCEEDED" || p.status === "PARTIALLY_REFUNDED";

/**
 * Requests a refund. Requested plus completed refunds never exceed the captured amount (the
 * database enforces the same sum under concurrency; this is the rule it enforces). The reason is
 * stored trimmed, blank as none.
 */
export function requestRefund(
  p: Payment,
  refund: { id: string; amount: number; reason: string | null },
): PaymentDecision {
  if (!isCaptured(p)) throw DomainError.invalidTransition("payment", p.status, "refund");
  throwIfAny(
    collect([
      ["amount", minorUnitsProblem(refund.amount)],
      ["reason", optionalText(refund.reason, 500)],
    ]),
  );
  const available = refundable(p);
  if (refund.amount > available) {
    throw DomainError.validation([
      { field: "amount", message: `exceeds the refundable amount (${available})` },
    ]);
  }
  const requested = { ...refund, reason: cleanText(refund.reason), status: "REQUESTED" as const };
  return change(p, { refunds: [...p.refunds, requested] }, "RefundRequested", {
    refundId: refund.id,
    amount: { amount: refund.amount, currency: p.amount.currency },
    refundable: available - refund.amount,
  });
}

/**
 * Refunds what is still refundable, at most `limit` (a returned order's amount): the saga's
 * refunds after a cancellation or a return. Nothing captured or nothing left changes nothing.
 */
export function refundRemaining(
  p: Payment,
  refund: { id: string; reason: string; limit?: number },
): PaymentDecision {
  const amount = Math.min(refundable(p), refund.limit ?? Number.POSITIVE_INFINITY);
  if (amount <= 0 || !isCaptured(p)) return unchanged(p);
  return requestRefund(p, { id: refund.id, amount, reason: refund.reason });
}

/** The provider completed a refund; repeats change nothing. */
export function recordRefundCompleted(p: Payment, refundId: string): PaymentDecision {
  const refund = p.refunds.find((r) => r.id === refundId);
  if (!refund) throw DomainError.notFound("refund", refundId);
  if (refund.status !== "REQUESTED") return unchanged(p);
  const refunds = p.refunds.map((r) =>
    r.id === refundId ? { ...r, status: "COMPLETED" as const } : r,
  );
  const completed = refunds
    .filter((r) => r.status === "COMPLETED")
    .reduce((sum, r) => sum + r.amount, 0);
  const status: PaymentStatus = completed >= p.captured ? "REFUNDED" : "PARTIALLY_REFUNDED";
  return change(p, { refunds, status }, "RefundCompleted", {
    refundId,
    amount: { amount: refund.amount, currency: p.amount.currency },
    refundedTotal: completed,
    previousStatus: p.status,
    status,
  });
}
