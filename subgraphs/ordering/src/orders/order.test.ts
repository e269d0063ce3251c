import { describe, expect, it } from "vitest";
import {
  codeOf,
  command,
  customer,
  fieldsOf,
  inStatus,
  variant,
  variants,
} from "./order.fixtures.ts";
import {
  ORDER_EVENT_TYPES,
  ORDER_STATUSES,
  type Order,
  type OrderDecision,
  type OrderEventType,
  type OrderStatus,
  orderTotals,
  placeOrder,
  repeatPlacement,
} from "./order.ts";
import {
  approveOrderReturn,
  cancelOrder,
  completeOrder,
  confirmOrder,
  markOrderProcessing,
  markPaymentPending,
  recordOrderDelivery,
  recordOrderReturn,
  recordOrderShipment,
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

/**
 * Every (status, action) pair of the Order state machine. The expectations are written out here
 * from DOMAIN.md's table, independently of the code's own table: a pair not listed must be
 * INVALID_STATE_TRANSITION.
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

const AFTER_PAYMENT: OrderStatus[] = [
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

describe("placeOrder", () => {
  it("prices lines from the price view and computes integer totals", () => {
    const decision = placeOrder(
      command({
        lines: [
          { lineId: "l1", variantId: "v-a", quantity: 3, discount: 200 },
          { lineId: "l2", variantId: "v-b", quantity: 2 },
          { lineId: "l3", variantId: "v-c", quantity: 1, discount: 1 },
        ],
        coupon: { code: " save5 ", amount: 500 },
        shipping: 499,
        tax: 661,
      }),
    );
    // 3 × 1000 − 200 + 2 × 250 + 4999 − 1 = 8298; 8298 + 499 + 661 − 500 = 8958
    expect(decision.state.totals).toEqual({
      subtotal: 8_298,
      shipping: 499,
      tax: 661,
      discount: 500,
      grandTotal: 8_958,
    });
    expect(decision.state.lines.map((l) => l.unitPrice)).toEqual([1_000, 250, 4_999]);
    expect(decision.state).toMatchObject({
      status: "CREATED",
      currency: "EUR",
      coupon: { code: "SAVE5", amount: 500 },
      version: 1,
      idempotencyKey: "key-1",
    });
    expect(decision.events).toEqual([
      {
        type: "OrderPlaced",
        aggregateType: "Order",
        aggregateId: "order-1",
        aggregateVersion: 1,
        payload: expect.objectContaining({
          orderId: "order-1",
          customerId: "customer-1",
          status: "CREATED",
          currency: "EUR",
          totals: decision.state.totals,
          lines: decision.state.lines,
        }),
      },
    ]);
  });

  it("gives the customer's tier price", () => {
    const gold = placeOrder(command({ customer: { ...customer, tier: "PLATINUM" } }));
    expect(gold.state.lines[0]?.unitPrice).toBe(900);
  });

  it("caps the coupon at the subtotal, so the grand total is never negative", () => {
    const state = placeOrder(command({ coupon: { code: "BIG", amount: 1_000_000 } })).state;
    expect(state.totals).toMatchObject({ subtotal: 2_250, discount: 2_250, grandTotal: 700 });
  });

  it.each(["SUSPENDED", "CLOSED"] as const)("refuses a %s customer", (status) => {
    expect(codeOf(() => placeOrder(command({ customer: { ...customer, status } })))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });

  it("keeps one currency per order", () => {
    const lines = [
      { lineId: "l1", variantId: "v-a", quantity: 1 },
      { lineId: "l2", variantId: "v-usd", quantity: 1 },
    ];
    expect(fieldsOf(() => placeOrder(command({ lines })))).toEqual(["lines.1.variantId"]);
  });

  it("takes the currency from the first known variant when the first line's is unknown", () => {
    const lines = [
      { lineId: "l0", variantId: "v-missing", quantity: 1 },
      { lineId: "l1", variantId: "v-usd", quantity: 1 },
      { lineId: "l2", variantId: "v-a", quantity: 1 },
    ];
    expect(fieldsOf(() => placeOrder(command({ lines })))).toEqual([
      "lines.0.variantId",
      "lines.2.variantId",
    ]);
  });

  it.each([0, 1_000, 1.5, -1])("rejects quantity %s", (quantity) => {
    const lines = [{ lineId: "l1", variantId: "v-a", quantity }];
    expect(fieldsOf(() => placeOrder(command({ lines })))).toEqual(["lines.0.quantity"]);
  });

  it.each([1, 999])("accepts quantity %s", (quantity) => {
    const lines = [{ lineId: "l1", variantId: "v-a", quantity }];
    expect(placeOrder(command({ lines })).state.totals.subtotal).toBe(quantity * 1_000);
  });

  it("names every offending field at once", () => {
    const fields = fieldsOf(() =>
      placeOrder(
        command({
          lines: [
            { lineId: "l1", variantId: "v-draft", quantity: 1 },
            { lineId: "l2", variantId: "v-missing", quantity: 1 },
            { lineId: "l3", variantId: "v-a", quantity: 1, discount: 1_001 },
            { lineId: "l4", variantId: "v-a", quantity: 1 },
          ],
          shipping: -1,
          tax: 0.5,
          coupon: { code: "no spaces", amount: 0 },
          idempotencyKey: " ",
        }),
      ),
    );
    expect(fields).toEqual([
      "idempotencyKey",
      "shipping",
      "tax",
      "coupon.code",
      "coupon.amount",
      "lines.0.variantId",
      "lines.1.variantId",
      "lines.2.discount",
      "lines.3.variantId",
    ]);
  });

  it("rejects a line id used twice", () => {
    const lines = [
      { lineId: "l1", variantId: "v-a", quantity: 1 },
      { lineId: "l1", variantId: "v-b", quantity: 1 },
    ];
    expect(fieldsOf(() => placeOrder(command({ lines })))).toEqual(["lines.1.lineId"]);
  });

  it("rejects an order without lines", () => {
    expect(fieldsOf(() => placeOrder(command({ lines: [] })))).toEqual(["lines"]);
  });

  it("rejects totals beyond the safe integer range", () => {
    const huge = variant("v-huge", Number.MAX_SAFE_INTEGER);
    const lines = [{ lineId: "l1", variantId: "v-huge", quantity: 2 }];
    expect(fieldsOf(() => placeOrder(command({ lines, variants: [huge] })))).toEqual(["lines"]);
  });

  it("returns the first order for a repeated key with the same request, DUPLICATE otherwise", () => {
    const first = placeOrder(command()).state;
    // New ids, same request: the same order.
    const again = command({ orderId: "order-2" });
    expect(repeatPlacement(first, again)).toBe(first);
    const other = command({ lines: [{ lineId: "line-a", variantId: "v-a", quantity: 3 }] });
    expect(codeOf(() => repeatPlacement(first, other))).toBe("DUPLICATE");
  });
});

describe("orderTotals", () => {
  it("is Σ unit price × qty − line discounts, plus shipping and tax, minus the discount", () => {
    const lines = [
      { id: "a", variantId: "a", quantity: 7, unitPrice: 333, discount: 31 },
      { id: "b", variantId: "b", quantity: 999, unitPrice: 1, discount: 0 },
    ];
    expect(orderTotals(lines, { code: "X", amount: 100 }, 0, 17)).toEqual({
      subtotal: 7 * 333 - 31 + 999,
      shipping: 0,
      tax: 17,
      discount: 100,
      grandTotal: 7 * 333 - 31 + 999 + 17 - 100,
    });
    expect(orderTotals([], null, 0, 0).grandTotal).toBe(0);
  });
});

it("declares exactly the 18 order event types", () => {
  expect(ORDER_EVENT_TYPES).toHaveLength(18);
});

describe("shipments", () => {
  const processing = inStatus("PROCESSING");

  it("ships some lines, then the rest, reporting what is still unshipped", () => {
    const first = recordOrderShipment(processing, {
      shipmentId: "s1",
      lines: [
        { lineId: "line-a", quantity: 1 },
        { lineId: "line-b", quantity: 1 },
      ],
    });
    expect(first.state.status).toBe("PARTIALLY_SHIPPED");
    expect(first.events[0]?.payload).toMatchObject({
      shipmentId: "s1",
      unshipped: [
        { lineId: "line-a", quantity: 1 },
        { lineId: "line-b", quantity: 0 },
      ],
    });
    const rest = recordOrderShipment(first.state, { shipmentId: "s2" });
    expect(rest.state.status).toBe("SHIPPED");
    expect(rest.state.shipments).toEqual([
      first.state.shipments[0],
      { id: "s2", lines: [{ lineId: "line-a", quantity: 1 }] },
    ]);
  });

  it("ships everything from PAID in one go, but not part of it (PAID → PARTIALLY_SHIPPED is not a move)", () => {
    expect(recordOrderShipment(inStatus("PAID"), { shipmentId: "s1" }).state.status).toBe(
      "SHIPPED",
    );
    const some = () =>
      recordOrderShipment(inStatus("PAID"), {
        shipmentId: "s1",
        lines: [{ lineId: "line-b", quantity: 1 }],
      });
    expect(codeOf(some)).toBe("INVALID_STATE_TRANSITION");
  });

  it("rejects unknown lines, repeated lines, and more units than remain", () => {
    const partial = inStatus("PARTIALLY_SHIPPED");
    const fields = fieldsOf(() =>
      recordOrderShipment(partial, {
        shipmentId: "s1",
        lines: [
          { lineId: "line-x", quantity: 1 },
          { lineId: "line-a", quantity: 2 },
          { lineId: "line-b", quantity: 1 },
          { lineId: "line-b", quantity: 1 },
        ],
      }),
    );
    expect(fields).toEqual(["lines.0.lineId", "lines.1.quantity", "lines.3.lineId"]);
    expect(fieldsOf(() => recordOrderShipment(partial, { shipmentId: "s1", lines: [] }))).toEqual([
      "lines",
    ]);
  });

  it("treats the same shipment recorded twice as harmless; other lines under its id are DUPLICATE", () => {
    const lines = [{ lineId: "line-a", quantity: 1 }];
    const once = recordOrderShipment(processing, { shipmentId: "s1", lines }).state;
    expect(recordOrderShipment(once, { shipmentId: "s1", lines })).toEqual({
      state: once,
      events: [],
    });
    const other = () =>
      recordOrderShipment(once, { shipmentId: "s1", lines: [{ lineId: "line-b", quantity: 1 }] });
    expect(codeOf(other)).toBe("DUPLICATE");
  });
});
