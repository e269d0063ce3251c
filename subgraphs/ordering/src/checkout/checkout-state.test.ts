import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../orders/order-status.ts";
import { checkoutState } from "./checkout-state.ts";

const at = "2026-11-24T10:00:00.000Z";
const e = (type: string, payload: Record<string, unknown> = {}) => ({
  type,
  occurredAt: at,
  payload,
});

describe("checkoutState (derived until the saga persists it)", () => {
  it.each<[OrderStatus, ReturnType<typeof e>[], string]>([
    ["CREATED", [e("OrderPlaced")], "NOT_STARTED"],
    ["CONFIRMED", [e("OrderPlaced"), e("OrderConfirmed")], "RESERVING"],
    ["PAYMENT_PENDING", [e("OrderConfirmed"), e("OrderPaymentPending")], "PAYMENT_PENDING"],
    ["PAID", [e("OrderConfirmed"), e("OrderPaymentPending"), e("OrderPaid")], "COMPLETED"],
    ["SHIPPED", [e("OrderPaid")], "COMPLETED"],
    ["CANCELLED", [e("OrderPlaced"), e("OrderCancelled", { reason: null })], "CANCELLED"],
    [
      "CONFIRMED",
      [e("OrderConfirmed"), e("OrderPaymentPending"), e("OrderPaymentFailed")],
      "PAYMENT_PENDING",
    ],
    ["REFUNDED", [e("OrderConfirmed"), e("OrderPaid"), e("OrderCancelled")], "CANCELLED"],
    ["REFUNDED", [e("OrderPaid"), e("OrderReturned")], "COMPLETED"],
  ])("%s → %s", (status, history, expected) => {
    expect(checkoutState(status, history).status).toBe(expected);
  });

  it.each([
    ["payment failed: declined", "FAILED"],
    ["insufficient stock", "FAILED"],
    ["reservation expired", "FAILED"],
    ["changed mind", "CANCELLED"],
  ])("a confirmed order cancelled for %s → %s", (reason, expected) => {
    const history = [e("OrderConfirmed"), e("OrderCancelled", { reason })];
    expect(checkoutState("CANCELLED", history).status).toBe(expected);
  });

  it("lists saga steps, oldest first, with reasons as detail", () => {
    const steps = checkoutState("CONFIRMED", [
      e("OrderPlaced"),
      e("OrderConfirmed"),
      e("OrderPaymentPending"),
      e("OrderPaymentFailed", { reason: "declined" }),
    ]).steps;
    expect(steps).toEqual([
      { name: "ORDER_CONFIRMED", occurredAt: at, detail: null },
      { name: "PAYMENT_INITIATED", occurredAt: at, detail: null },
      { name: "PAYMENT_FAILED", occurredAt: at, detail: "declined" },
    ]);
  });
});
