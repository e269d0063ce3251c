import { codeOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { inStatus } from "../orders/order.fixtures.ts";
import type { OrderDecision } from "../orders/order-events.ts";
import { ORDER_STATUSES, type OrderStatus } from "../orders/order-status.ts";
import {
  checkoutIdempotencyKey,
  checkoutPaymentId,
  onPaymentFailed,
  onPaymentRetried,
  onPaymentSucceeded,
  onRefundCompleted,
  onReservationReleased,
  onStockReserved,
  onStockShortage,
  type SagaHistory,
  sagaHistory,
  uuidV5,
} from "./checkout-saga.ts";

const outcome = (d: OrderDecision) =>
  d.events.length === 0 ? "unchanged" : `${d.state.status} ${d.events[0]!.type}`;

const fresh: SagaHistory = sagaHistory(["OrderPlaced", "OrderConfirmed"]);
const pending1 = sagaHistory(["OrderPlaced", "OrderConfirmed", "OrderPaymentPending"]);
const failed1 = sagaHistory([
  "OrderPlaced",
  "OrderConfirmed",
  "OrderPaymentPending",
  "OrderPaymentFailed",
]);
const pending2 = sagaHistory([
  ...["OrderPlaced", "OrderConfirmed"],
  "OrderPaymentPending",
  "OrderPaymentFailed",
  "OrderPaymentPending",
]);

const id = inStatus("CREATED").id;
const pay = checkoutPaymentId(id);
const others = (allowed: OrderStatus[]) => ORDER_STATUSES.filter((s) => !allowed.includes(s));

describe("checkout payment id", () => {
  it("is a UUID v5 of the order-derived idempotency key: stable, distinct per order", () => {
    expect(checkoutIdempotencyKey("o-1")).toBe("order:o-1:payment");
    expect(checkoutPaymentId("o-1")).toBe(checkoutPaymentId("o-1"));
    expect(checkoutPaymentId("o-1")).not.toBe(checkoutPaymentId("o-2"));
    expect(checkoutPaymentId("o-1")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    // Same as Python's uuid.uuid5(uuid.NAMESPACE_URL, "http://www.example.com/").
    expect(uuidV5("http://www.example.com/")).toBe("fcde3c85-2270-590f-9e7c-ee003d65e0e2");
  });
});

describe("saga reactions on the order", () => {
  it("OrderStockReserved: CONFIRMED → PAYMENT_PENDING once, with the derived payment id", () => {
    const d = onStockReserved(inStatus("CONFIRMED"), fresh);
    expect(outcome(d)).toBe("PAYMENT_PENDING OrderPaymentPending");
    expect(d.events[0]!.payload).toMatchObject({ paymentId: pay });
    // CONFIRMED after a payment failure (a repeat of the reservation event): unchanged.
    expect(outcome(onStockReserved(inStatus("CONFIRMED"), failed1))).toBe("unchanged");
    for (const s of others(["CONFIRMED"])) {
      expect(outcome(onStockReserved(inStatus(s), fresh)), s).toBe("unchanged");
    }
  });

  it("OrderStockShortage: CONFIRMED → CANCELLED (insufficient stock); anything else unchanged", () => {
    const d = onStockShortage(inStatus("CONFIRMED"));
    expect(outcome(d)).toBe("CANCELLED OrderCancelled");
    expect(d.events[0]!.payload).toMatchObject({ reason: "insufficient stock" });
    for (const s of others(["CONFIRMED"])) {
      expect(outcome(onStockShortage(inStatus(s))), s).toBe("unchanged");
    }
  });

  it("PaymentSucceeded: PAYMENT_PENDING → PAID; late or repeated unchanged; another payment ignored", () => {
    const ok = { paymentId: pay, amount: 2_250 };
    expect(outcome(onPaymentSucceeded(inStatus("PAYMENT_PENDING"), ok))).toBe("PAID OrderPaid");
    for (const s of ["PAID", "SHIPPED", "CANCELLED", "REFUNDED"] as const) {
      expect(outcome(onPaymentSucceeded(inStatus(s), ok)), s).toBe("unchanged");
    }
    expect(
      outcome(onPaymentSucceeded(inStatus("PAYMENT_PENDING"), { paymentId: "other", amount: 1 })),
    ).toBe("unchanged");
    // Impossible in order (a success before any payment): rejected, the consumer dead-letters it.
    expect(codeOf(() => onPaymentSucceeded(inStatus("CREATED"), ok))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });

  it.each<[string, OrderStatus, SagaHistory, number, number, string]>([
    [
      "first failure, attempts left",
      "PAYMENT_PENDING",
      pending1,
      1,
      2,
      "CONFIRMED OrderPaymentFailed",
    ],
    ["second failure", "PAYMENT_PENDING", pending2, 2, 1, "CONFIRMED OrderPaymentFailed"],
    ["last failure", "PAYMENT_PENDING", pending2, 3, 0, "CANCELLED OrderCancelled"],
    ["repeat after CONFIRMED", "CONFIRMED", failed1, 1, 2, "unchanged"],
    ["late first failure during the retry", "PAYMENT_PENDING", pending2, 1, 2, "unchanged"],
    ["after cancellation", "CANCELLED", pending1, 1, 2, "unchanged"],
    ["after payment", "PAID", pending1, 1, 2, "unchanged"],
  ])("PaymentFailed, %s", (_, status, history, attempt, attemptsLeft, expected) => {
    const d = onPaymentFailed(inStatus(status), history, {
      paymentId: pay,
      reason: "declined",
      attempt,
      attemptsLeft,
    });
    expect(outcome(d)).toBe(expected);
  });

  it.each<[string, OrderStatus, SagaHistory, number, string]>([
    ["awaiting a retry", "CONFIRMED", failed1, 2, "PAYMENT_PENDING OrderPaymentPending"],
    ["repeat after PAYMENT_PENDING", "PAYMENT_PENDING", pending2, 2, "unchanged"],
    ["CONFIRMED never failed", "CONFIRMED", fresh, 2, "unchanged"],
    ["after cancellation", "CANCELLED", failed1, 2, "unchanged"],
  ])("PaymentRetried, %s", (_, status, history, attempt, expected) => {
    expect(outcome(onPaymentRetried(inStatus(status), history, { paymentId: pay, attempt }))).toBe(
      expected,
    );
  });

  it("ignores failures and retries of another payment", () => {
    const f = { paymentId: "other", reason: "x", attempt: 1, attemptsLeft: 2 };
    expect(outcome(onPaymentFailed(inStatus("PAYMENT_PENDING"), pending1, f))).toBe("unchanged");
    expect(
      outcome(onPaymentRetried(inStatus("CONFIRMED"), failed1, { paymentId: "other", attempt: 2 })),
    ).toBe("unchanged");
  });

  it("ReservationReleased EXPIRED cancels CONFIRMED or PAYMENT_PENDING orders; other reasons and statuses unchanged", () => {
    for (const s of ["CONFIRMED", "PAYMENT_PENDING"] as const) {
      const d = onReservationReleased(inStatus(s), { reason: "EXPIRED" });
      expect(outcome(d), s).toBe("CANCELLED OrderCancelled");
      expect(d.events[0]!.payload).toMatchObject({ reason: "reservation expired" });
      expect(outcome(onReservationReleased(inStatus(s), { reason: "CANCELLED" })), s).toBe(
        "unchanged",
      );
    }
    for (const s of others(["CONFIRMED", "PAYMENT_PENDING"])) {
      expect(outcome(onReservationReleased(inStatus(s), { reason: "EXPIRED" })), s).toBe(
        "unchanged",
      );
    }
  });
});

describe("refund outcomes on the order", () => {
  const refund = (paymentStatus: string, paymentId = pay) => ({
    paymentId,
    refundId: "r-1",
    paymentStatus,
    refundedTotal: 2_000,
  });

  it("RefundCompleted with the payment fully refunded: RETURNED or CANCELLED → REFUNDED", () => {
    for (const s of ["RETURNED", "CANCELLED"] as const) {
      const d = onRefundCompleted(inStatus(s), refund("REFUNDED"));
      expect(outcome(d), s).toBe("REFUNDED OrderRefunded");
      expect(d.events[0]!.payload).toMatchObject({
        previousStatus: s,
        refundId: "r-1",
        amount: { amount: 2_000 },
      });
    }
  });

  it("a partial refund, another payment's refund, a repeat or any other status changes nothing", () => {
    expect(outcome(onRefundCompleted(inStatus("RETURNED"), refund("PARTIALLY_REFUNDED")))).toBe(
      "unchanged",
    );
    expect(outcome(onRefundCompleted(inStatus("RETURNED"), refund("REFUNDED", "other")))).toBe(
      "unchanged",
    );
    for (const s of others(["RETURNED", "CANCELLED"])) {
      expect(outcome(onRefundCompleted(inStatus(s), refund("REFUNDED"))), s).toBe("unchanged");
    }
  });
});
