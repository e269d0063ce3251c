import { codeOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { AFTER_PAYMENT, inStatus, variants } from "./order.fixtures.ts";
import type { Order } from "./order.ts";
import type { OrderDecision, OrderEventType } from "./order-events.ts";
import {
  approveOrderReturn,
  cancelOrder,
  completeOrder,
  confirmOrder,
  markOrderProcessing,
  markPaymentPending,
  recordOrderDelivery,
  recordOrderReturn,
  recordPaymentFailed,
  recordPaymentSucceeded,
  recordRefunded,
  requestOrderReturn,
} from "./order-lifecycle.ts";
import {
  addOrderItem,
  applyOrderCoupon,
  removeOrderItem,
  updateOrderItemQuantity,
} from "./order-lines.ts";
import { recordOrderShipment } from "./order-shipments.ts";
import { ORDER_STATUSES, type OrderStatus } from "./order-status.ts";

/**
 * Every (status, action) pair of the Order state machine. The expectations are written out here
 * from the table in docs/ordering.md, independently of the code's own table: a pair not listed
 * must be INVALID_STATE_TRANSITION.
 */

const variantD = { ...variants[2]!, variantId: "v-d" };

const actions = {
  addItem: (o: Order) =>
    addOrderItem(o, { lineId: "line-d", variantId: "v-d", quantity: 1 }, variantD, "STANDARD"),
  removeItem: (o: Order) => removeOrderItem(o, "line-b"),
  changeQuantity: (o: Order) => updateOrderItemQuantity(o, "line-b", 3),
  applyCoupon: (o: Order) => applyOrderCoupon(o, { code: "SAVE5", amount: 500 }),
  confirm: confirmOrder,
  markPaymentPending: (o: Order) => markPaymentPending(o, { paymentId: "pay-1" }),
  paymentSucceeded: (o: Order) => recordPaymentSucceeded(o, { paymentId: "pay-1", amount: 2_950 }),
  paymentFailedRetryable: (o: Order) =>
    recordPaymentFailed(o, { paymentId: "pay-1", reason: "declined", attemptsLeft: 2 }),
  paymentFailedFinal: (o: Order) =>
    recordPaymentFailed(o, { paymentId: "pay-1", reason: "declined", attemptsLeft: 0 }),
  markProcessing: markOrderProcessing,
  shipAll: (o: Order) => recordOrderShipment(o, { shipmentId: "shipment-1" }),
  shipSome: (o: Order) =>
    recordOrderShipment(o, {
      shipmentId: "shipment-1",
      lines: [{ lineId: "line-a", quantity: 1 }],
    }),
  deliver: recordOrderDelivery,
  complete: completeOrder,
  requestReturn: (o: Order) => requestOrderReturn(o, { reason: "too small" }),
  approveReturn: approveOrderReturn,
  recordReturn: recordOrderReturn,
  cancel: (o: Order) => cancelOrder(o, { reason: "changed my mind" }),
  recordRefunded: (o: Order) => recordRefunded(o, { refundId: "refund-1", amount: 2_950 }),
} satisfies Record<string, (o: Order) => OrderDecision>;
type Action = keyof typeof actions;

const harmless = (statuses: OrderStatus[]) =>
  Object.fromEntries(statuses.map((s) => [s, "unchanged"])) as Record<OrderStatus, "unchanged">;

/** For each action: the statuses it is allowed from and where it leads, and the event it raises. */
const expected: Record<
  Action,
  { event: OrderEventType; from: Partial<Record<OrderStatus, OrderStatus | "unchanged">> }
> = {
  addItem: { event: "OrderItemAdded", from: { CREATED: "CREATED" } },
  removeItem: { event: "OrderItemRemoved", from: { CREATED: "CREATED" } },
  changeQuantity: { event: "OrderItemQuantityChanged", from: { CREATED: "CREATED" } },
  applyCoupon: { event: "OrderCouponApplied", from: { CREATED: "CREATED" } },
  confirm: { event: "OrderConfirmed", from: { CREATED: "CONFIRMED" } },
  markPaymentPending: { event: "OrderPaymentPending", from: { CONFIRMED: "PAYMENT_PENDING" } },
  paymentSucceeded: {
    event: "OrderPaid",
    from: { ...harmless([...AFTER_PAYMENT, "CANCELLED"]), PAYMENT_PENDING: "PAID" },
  },
  paymentFailedRetryable: {
    event: "OrderPaymentFailed",
    from: { ...harmless([...AFTER_PAYMENT, "CANCELLED"]), PAYMENT_PENDING: "CONFIRMED" },
  },
  paymentFailedFinal: {
    event: "OrderCancelled",
    from: { ...harmless([...AFTER_PAYMENT, "CANCELLED"]), PAYMENT_PENDING: "CANCELLED" },
  },
  markProcessing: { event: "OrderProcessingStarted", from: { PAID: "PROCESSING" } },
  shipAll: {
    event: "OrderShipmentRecorded",
    from: { PAID: "SHIPPED", PROCESSING: "SHIPPED", PARTIALLY_SHIPPED: "SHIPPED" },
  },
  shipSome: {
    event: "OrderShipmentRecorded",
    from: { PROCESSING: "PARTIALLY_SHIPPED", PARTIALLY_SHIPPED: "PARTIALLY_SHIPPED" },
  },
  deliver: { event: "OrderDelivered", from: { SHIPPED: "DELIVERED" } },
  complete: { event: "OrderCompleted", from: { DELIVERED: "COMPLETED" } },
  requestReturn: { event: "OrderReturnRequested", from: { DELIVERED: "RETURN_REQUESTED" } },
  approveReturn: { event: "OrderReturnApproved", from: { RETURN_REQUESTED: "RETURN_APPROVED" } },
  recordReturn: { event: "OrderReturned", from: { RETURN_APPROVED: "RETURNED" } },
  cancel: {
    event: "OrderCancelled",
    from: {
      CREATED: "CANCELLED",
      CONFIRMED: "CANCELLED",
      PAYMENT_PENDING: "CANCELLED",
      PAID: "CANCELLED",
      CANCELLED: "unchanged",
    },
  },
  recordRefunded: { event: "OrderRefunded", from: { RETURNED: "REFUNDED", CANCELLED: "REFUNDED" } },
};

const pairs = (Object.keys(actions) as Action[]).flatMap((action) =>
  ORDER_STATUSES.map((from) => {
    const to = expected[action].from[from] ?? "INVALID_STATE_TRANSITION";
    return [from, action, to] as const;
  }),
);

describe("order state machine: every status × every action", () => {
  it("covers 14 statuses × 19 actions", () => {
    expect(pairs).toHaveLength(14 * 19);
  });

  it.each(pairs)("%s --%s--> %s", (from, action, to) => {
    const order = inStatus(from);
    const run = () => actions[action](order);
    if (to === "INVALID_STATE_TRANSITION") {
      expect(codeOf(run)).toBe("INVALID_STATE_TRANSITION");
      return;
    }
    const decision = run();
    if (to === "unchanged") {
      expect(decision.state).toBe(order);
      expect(decision.events).toEqual([]);
      return;
    }
    expect(decision.state.status).toBe(to);
    expect(decision.state.version).toBe(order.version + 1);
    expect(decision.events).toHaveLength(1);
    expect(decision.events[0]).toMatchObject({
      type: expected[action].event,
      aggregateType: "Order",
      aggregateId: order.id,
      aggregateVersion: order.version + 1,
      payload: { orderId: order.id, customerId: order.customerId },
    });
    if (to !== from) {
      expect(decision.events[0]?.payload).toMatchObject({ previousStatus: from, status: to });
    }
  });
});

describe("the checkout saga's steps", () => {
  it("runs the happy path with gap-free versions, one event per change", () => {
    let order = inStatus("CREATED", { version: 1 });
    const steps: ((o: Order) => OrderDecision)[] = [
      actions.confirm,
      actions.markPaymentPending,
      actions.paymentSucceeded,
      actions.markProcessing,
      actions.shipSome,
      (o) => recordOrderShipment(o, { shipmentId: "shipment-2" }),
      actions.deliver,
      actions.complete,
    ];
    const seen: [string, number, OrderStatus][] = [];
    for (const step of steps) {
      const decision = step(order);
      order = decision.state;
      for (const e of decision.events) seen.push([e.type, e.aggregateVersion, order.status]);
    }
    expect(seen).toEqual([
      ["OrderConfirmed", 2, "CONFIRMED"],
      ["OrderPaymentPending", 3, "PAYMENT_PENDING"],
      ["OrderPaid", 4, "PAID"],
      ["OrderProcessingStarted", 5, "PROCESSING"],
      ["OrderShipmentRecorded", 6, "PARTIALLY_SHIPPED"],
      ["OrderShipmentRecorded", 7, "SHIPPED"],
      ["OrderDelivered", 8, "DELIVERED"],
      ["OrderCompleted", 9, "COMPLETED"],
    ]);
  });

  it("goes back to CONFIRMED after a failure with attempts left, and can pay on the retry", () => {
    const failed = actions.paymentFailedRetryable(inStatus("PAYMENT_PENDING"));
    expect(failed.events[0]?.payload).toMatchObject({
      reason: "declined",
      attemptsLeft: 2,
      retryAllowed: true,
    });
    const retried = actions.markPaymentPending(failed.state);
    expect(actions.paymentSucceeded(retried.state).state.status).toBe("PAID");
  });

  it("cancels the order when no attempts are left, saying why", () => {
    const decision = actions.paymentFailedFinal(inStatus("PAYMENT_PENDING"));
    expect(decision.events[0]?.payload).toMatchObject({
      reason: "payment failed: declined",
      refundRequired: false,
    });
  });

  it("asks for a refund when a payment succeeds after the order was cancelled", () => {
    const cancelled = actions.cancel(inStatus("PAYMENT_PENDING")).state;
    const decision = actions.paymentSucceeded(cancelled);
    expect(decision).toEqual({ state: cancelled, events: [], compensation: "refund-payment" });
  });

  it("asks for no second refund when the cancelled order had been paid (its refund follows)", () => {
    const cancelled = actions.cancel(inStatus("PAID")).state;
    expect(actions.paymentSucceeded(cancelled)).toEqual({ state: cancelled, events: [] });
  });

  it("treats a second payment success as harmless, with no compensation", () => {
    const paid = actions.paymentSucceeded(inStatus("PAYMENT_PENDING")).state;
    expect(actions.paymentSucceeded(paid)).toEqual({ state: paid, events: [] });
  });

  it("says a refund of the grand total follows when a PAID order is cancelled", () => {
    const decision = actions.cancel(inStatus("PAID"));
    expect(decision.events[0]?.payload).toMatchObject({
      reason: "changed my mind",
      refundRequired: true,
      refundAmount: { amount: 2_950, currency: "EUR" },
    });
    expect(actions.cancel(inStatus("CONFIRMED")).events[0]?.payload).toMatchObject({
      refundRequired: false,
      refundAmount: null,
    });
  });

  it("carries what the saga needs on OrderConfirmed and OrderPaymentPending", () => {
    const confirmed = actions.confirm(inStatus("CREATED"));
    expect(confirmed.events[0]?.payload).toMatchObject({
      currency: "EUR",
      lines: [
        { lineId: "line-a", variantId: "v-a", quantity: 2 },
        { lineId: "line-b", variantId: "v-b", quantity: 1 },
      ],
      totals: { grandTotal: 2_950 },
    });
    expect(actions.markPaymentPending(confirmed.state).events[0]?.payload).toMatchObject({
      paymentId: "pay-1",
      amount: { amount: 2_950, currency: "EUR" },
    });
  });

  it("says the returned order's grand total is to be refunded", () => {
    expect(actions.recordReturn(inStatus("RETURN_APPROVED")).events[0]?.payload).toMatchObject({
      refundRequired: true,
      refundAmount: { amount: 2_950, currency: "EUR" },
    });
  });

  it("validates reasons and refund amounts", () => {
    expect(codeOf(() => cancelOrder(inStatus("CREATED"), { reason: "x".repeat(501) }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(
      codeOf(() => requestOrderReturn(inStatus("DELIVERED"), { reason: "x".repeat(501) })),
    ).toBe("VALIDATION_FAILED");
    expect(codeOf(() => recordRefunded(inStatus("RETURNED"), { refundId: "r", amount: 0.5 }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(
      codeOf(() =>
        recordPaymentFailed(inStatus("PAYMENT_PENDING"), {
          paymentId: "p",
          reason: "x",
          attemptsLeft: -1,
        }),
      ),
    ).toBe("VALIDATION_FAILED");
  });
});
