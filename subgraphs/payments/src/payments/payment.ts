import { DomainError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";

/**
 * Pure domain for the Payment aggregate (DOMAIN.md, "Payments"): its state machine, attempts,
 * refunds against the captured amount, and the events each decision raises. Persistence and the
 * provider come later; these functions decide only.
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

export interface Money {
  amount: number;
  currency: string;
}

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

export interface Decision {
  state: Payment;
  events: PaymentEvent[];
}

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
): Decision {
  const state = { ...p, ...next, version: p.version + 1 };
  return { state, events: [event(state, type, payload)] };
}

export function initiatePayment(input: {
  id: string;
  orderId: string;
  amount: Money;
  idempotencyKey: string;
}): Decision {
  const problems: { field: string; message: string }[] = [];
  if (!Number.isSafeInteger(input.amount.amount) || input.amount.amount < 1) {
    problems.push({
      field: "amount.amount",
      message: "must be a whole number of minor units, at least 1",
    });
  }
  if (!/^[A-Z]{3}$/.test(input.amount.currency))
    problems.push({ field: "amount.currency", message: "must be an ISO 4217 code" });
  if (input.idempotencyKey.trim().length === 0 || input.idempotencyKey.length > 255) {
    problems.push({ field: "idempotencyKey", message: "is required (1–255 characters)" });
  }
  if (problems.length > 0) throw DomainError.validation(problems);
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
export function recordPaymentSucceeded(p: Payment): Decision {
  if (p.status !== "PENDING") {
    if (p.status === "FAILED")
      throw DomainError.invalidTransition("payment", p.status, "record success for");
    return { state: p, events: [] };
  }
  return change(p, { status: "SUCCEEDED", captured: p.amount.amount }, "PaymentSucceeded", {
    amount: p.amount,
    attempt: p.attempts,
  });
}

/** The provider reported failure; `attemptsLeft` tells the saga whether a retry is possible. */
export function recordPaymentFailed(p: Payment, reason: string): Decision {
  if (p.status !== "PENDING") return { state: p, events: [] };
  return change(p, { status: "FAILED" }, "PaymentFailed", {
    reason,
    attempt: p.attempts,
    attemptsLeft: MAX_ATTEMPTS - p.attempts,
  });
}

/** FAILED → PENDING for another attempt, at most MAX_ATTEMPTS in all. */
export function retryPayment(p: Payment): Decision {
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

/**
 * Requests a refund. Requested plus completed refunds never exceed the captured amount (the
 * database enforces the same sum under concurrency; this is the rule it enforces).
 */
export function requestRefund(
  p: Payment,
  refund: { id: string; amount: number; reason: string | null },
): Decision {
  if (p.status !== "SUCCEEDED" && p.status !== "PARTIALLY_REFUNDED") {
    throw DomainError.invalidTransition("payment", p.status, "refund");
  }
  if (!Number.isSafeInteger(refund.amount) || refund.amount < 1) {
    throw DomainError.validation([
      { field: "amount", message: "must be a whole number of minor units, at least 1" },
    ]);
  }
  if (refund.reason !== null && refund.reason.length > 500) {
    throw DomainError.validation([{ field: "reason", message: "must be at most 500 characters" }]);
  }
  const available = p.captured - refundedOrPending(p);
  if (refund.amount > available) {
    throw DomainError.validation([
      { field: "amount", message: `exceeds the refundable amount (${available})` },
    ]);
  }
  return change(
    p,
    { refunds: [...p.refunds, { ...refund, status: "REQUESTED" }] },
    "RefundRequested",
    {
      refundId: refund.id,
      amount: { amount: refund.amount, currency: p.amount.currency },
      refundable: available - refund.amount,
    },
  );
}

/** The provider completed a refund; repeats change nothing. */
export function recordRefundCompleted(p: Payment, refundId: string): Decision {
  const refund = p.refunds.find((r) => r.id === refundId);
  if (!refund) throw DomainError.notFound("refund", refundId);
  if (refund.status !== "REQUESTED") return { state: p, events: [] };
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
