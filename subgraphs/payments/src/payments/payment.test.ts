import { codeOf, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  initiatePayment,
  MAX_ATTEMPTS,
  type Payment,
  type PaymentStatus,
  recordPaymentFailed,
  recordPaymentSucceeded,
  recordRefundCompleted,
  refundRemaining,
  requestRefund,
  retryPayment,
} from "./payment.ts";

const base = initiatePayment({
  id: "pay-1",
  orderId: "order-1",
  amount: { amount: 10_000, currency: "EUR" },
  idempotencyKey: "order-1:payment",
}).state;

const inStatus = (status: PaymentStatus, extra: Partial<Payment> = {}): Payment => ({
  ...base,
  status,
  captured: status === "PENDING" || status === "FAILED" ? 0 : base.amount.amount,
  ...extra,
});

describe("payment state machine", () => {
  // [from, action, expected status after, or an error code]
  const table: [PaymentStatus, string, PaymentStatus | string][] = [
    ["PENDING", "succeed", "SUCCEEDED"],
    ["PENDING", "fail", "FAILED"],
    ["PENDING", "retry", "INVALID_STATE_TRANSITION"],
    ["PENDING", "refund", "INVALID_STATE_TRANSITION"],
    ["FAILED", "retry", "PENDING"],
    ["FAILED", "succeed", "INVALID_STATE_TRANSITION"],
    ["FAILED", "fail", "FAILED"],
    ["FAILED", "refund", "INVALID_STATE_TRANSITION"],
    ["SUCCEEDED", "succeed", "SUCCEEDED"],
    ["SUCCEEDED", "fail", "SUCCEEDED"],
    ["SUCCEEDED", "retry", "INVALID_STATE_TRANSITION"],
    ["SUCCEEDED", "refund", "SUCCEEDED"],
    ["PARTIALLY_REFUNDED", "refund", "PARTIALLY_REFUNDED"],
    ["PARTIALLY_REFUNDED", "retry", "INVALID_STATE_TRANSITION"],
    ["PARTIALLY_REFUNDED", "succeed", "PARTIALLY_REFUNDED"],
    ["REFUNDED", "refund", "INVALID_STATE_TRANSITION"],
    ["REFUNDED", "retry", "INVALID_STATE_TRANSITION"],
    ["REFUNDED", "fail", "REFUNDED"],
  ];
  const act = (p: Payment, action: string) =>
    action === "succeed"
      ? recordPaymentSucceeded(p)
      : action === "fail"
        ? recordPaymentFailed(p, "card declined")
        : action === "retry"
          ? retryPayment(p)
          : requestRefund(p, { id: "r1", amount: 100, reason: null });

  it.each(table)("%s --%s--> %s", (from, action, expected) => {
    const payment = inStatus(
      from,
      from === "PARTIALLY_REFUNDED"
        ? { refunds: [{ id: "r0", amount: 100, status: "COMPLETED", reason: null }] }
        : {},
    );
    const code = codeOf(() => act(payment, action));
    if (expected === "INVALID_STATE_TRANSITION") expect(code).toBe(expected);
    else expect(act(payment, action).state.status).toBe(expected);
  });

  it("treats a repeated success report as harmless: no event, no version change", () => {
    const paid = recordPaymentSucceeded(base).state;
    expect(recordPaymentSucceeded(paid)).toEqual({ state: paid, events: [] });
  });

  it("allows at most three attempts in all", () => {
    let p = base;
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      p = recordPaymentFailed(p, "declined").state;
      p = retryPayment(p).state;
    }
    expect(p.attempts).toBe(3);
    const failed = recordPaymentFailed(p, "declined");
    expect(failed.events[0]?.payload).toMatchObject({ attempt: 3, attemptsLeft: 0 });
    expect(codeOf(() => retryPayment(failed.state))).toBe("INVALID_STATE_TRANSITION");
  });

  it("raises gap-free versions, one per change", () => {
    const a = recordPaymentFailed(base, "x");
    const b = retryPayment(a.state);
    expect([base.version, a.state.version, b.state.version]).toEqual([1, 2, 3]);
    expect(b.events[0]).toMatchObject({
      type: "PaymentRetried",
      aggregateVersion: 3,
      payload: { attempt: 2 },
    });
  });

  it("validates the amount, currency and idempotency key", () => {
    const start = (amount: number, currency: string, idempotencyKey: string) => () =>
      initiatePayment({ id: "p", orderId: "o", amount: { amount, currency }, idempotencyKey });
    expect(fieldsOf(start(0.5, "eur", " "))).toEqual([
      "amount.amount",
      "amount.currency",
      "idempotencyKey",
    ]);
    // An ISO 4217 code, not only three capitals; a key is measured as given (it is not trimmed).
    expect(fieldsOf(start(100, "XYZ", "k"))).toEqual(["amount.currency"]);
    expect(fieldsOf(start(100, "EUR", ` ${"k".repeat(255)}`))).toEqual(["idempotencyKey"]);
  });
});

describe("refunds", () => {
  const paid = recordPaymentSucceeded(base).state;

  it("never promise back more than was captured", () => {
    const first = requestRefund(paid, { id: "r1", amount: 6_000, reason: "damaged" }).state;
    expect(codeOf(() => requestRefund(first, { id: "r2", amount: 4_001, reason: null }))).toBe(
      "VALIDATION_FAILED",
    );
    const second = requestRefund(first, { id: "r2", amount: 4_000, reason: null });
    expect(second.events[0]?.payload).toMatchObject({ refundable: 0 });
  });

  it("moves to PARTIALLY_REFUNDED, then REFUNDED as refunds complete; repeats change nothing", () => {
    let p = requestRefund(paid, { id: "r1", amount: 6_000, reason: null }).state;
    p = requestRefund(p, { id: "r2", amount: 4_000, reason: null }).state;
    p = recordRefundCompleted(p, "r1").state;
    expect(p.status).toBe("PARTIALLY_REFUNDED");
    expect(recordRefundCompleted(p, "r1")).toEqual({ state: p, events: [] });
    const done = recordRefundCompleted(p, "r2");
    expect(done.state.status).toBe("REFUNDED");
    expect(done.events[0]?.payload).toMatchObject({
      refundedTotal: 10_000,
      previousStatus: "PARTIALLY_REFUNDED",
      status: "REFUNDED",
    });
  });

  it("rejects a completion for an unknown refund", () => {
    expect(codeOf(() => recordRefundCompleted(paid, "nope"))).toBe("NOT_FOUND");
  });

  it("store the reason trimmed (blank is none) and refuse one over 500 characters", () => {
    const refund = (reason: string | null) => requestRefund(paid, { id: "r1", amount: 1, reason });
    expect(refund("  damaged ").state.refunds[0]?.reason).toBe("damaged");
    expect(refund("   ").state.refunds[0]?.reason).toBeNull();
    expect(refund(` ${"x".repeat(500)} `).state.refunds[0]?.reason).toHaveLength(500);
    expect(fieldsOf(() => refund("x".repeat(501)))).toEqual(["reason"]);
    expect(
      fieldsOf(() => requestRefund(paid, { id: "r1", amount: 0, reason: "x".repeat(501) })),
    ).toEqual(["amount", "reason"]);
  });

  it("refund what remains, at most a limit, and nothing when nothing is refundable", () => {
    const part = refundRemaining(paid, { id: "r1", reason: "order returned", limit: 4_000 });
    expect(part.state.refunds.map((r) => r.amount)).toEqual([4_000]);
    const rest = refundRemaining(part.state, { id: "r2", reason: "order cancelled" });
    expect(rest.events[0]?.payload).toMatchObject({ amount: { amount: 6_000 }, refundable: 0 });
    expect(refundRemaining(rest.state, { id: "r3", reason: "again" })).toEqual({
      state: rest.state,
      events: [],
    });
    expect(refundRemaining(base, { id: "r4", reason: "pending" })).toEqual({
      state: base,
      events: [],
    });
  });
});
