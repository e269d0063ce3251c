import { createInventoryPrisma } from "@shopstream/inventory";
import { e2eDatabaseUrl, unique } from "@shopstream/testing";
import { e2eShop, errorCode, pollUntil } from "@shopstream/testing/e2e-shop";
import { afterAll, describe, expect, inject, it } from "vitest";

// Whole order journeys through the gateway of the running stack: every context takes part
// (identity, catalogue, ordering, inventory, payments, the simulated provider and the workers
// between them). Each journey owns its customer, variants and warehouse.

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
// Staff steps: fulfilment moves orders on, finance refunds and invoices.
const fulfilment = shop.as("fulfilment");
const finance = shop.as("finance");

// How often a reservation was released has no public field: read inventory's outbox for it.
const inventory = createInventoryPrisma(e2eDatabaseUrl("inventory"));
afterAll(() => inventory.$disconnect());

interface PaymentRead {
  id: string;
  status: string;
  attempts: number;
  amount: { amount: number };
  captured: { amount: number };
  refundable: { amount: number };
  refunds: { status: string; amount: { amount: number } }[];
}

interface OrderRead {
  id: string;
  status: string;
  grandTotal: { amount: number; currency: string };
  lines: { id: string; quantity: number; variant: { id: string } }[];
  timeline: { type: string }[];
  checkout: {
    status: string;
    steps: { name: string; detail: string | null; occurredAt: string }[];
  };
  payments: PaymentRead[];
  invoice: { id: string; number: string; status: string } | null;
  reservations: {
    id: string;
    status: string;
    quantity: number;
    version: number;
    releaseReason: string | null;
    stockItem: { id: string };
  }[];
}

const PAYMENT = `id status attempts amount { amount } captured { amount } refundable { amount }
  refunds { status amount { amount } }`;
const ORDER = `id status grandTotal { amount currency } lines { id quantity variant { id } }
  timeline { type } checkout { status steps { name detail occurredAt } }
  payments { ${PAYMENT} } invoice { id number status }
  reservations { id status quantity version releaseReason stockItem { id } }`;

const readOrder = (id: string) => shop.order<OrderRead>(id, ORDER);

const orderUntil = (id: string, what: string, done: (o: OrderRead) => boolean) =>
  shop.orderUntil(id, ORDER, done, { what });

/** Waits until the checkout saga has moved the order on (or given up) after a payment report. */
const IN_FLIGHT = ["CONFIRMED", "PAYMENT_PENDING"];
const sagaSettled = (id: string) =>
  orderUntil(id, "the saga to settle", (o) => !IN_FLIGHT.includes(o.status));

const failures = (o: OrderRead) => o.timeline.filter((e) => e.type === "OrderPaymentFailed").length;

/**
 * Back in CONFIRMED after failure `attempt`. The order's fields are read by separate statements,
 * so one read can show the failure in the timeline and the status of just before it: wait until
 * both agree.
 */
const awaitingRetry = (o: OrderRead, attempt: number) =>
  (failures(o) === attempt && o.status === "CONFIRMED") || !IN_FLIGHT.includes(o.status);

/**
 * Runs a mutation `name(id: $id…)` on the order as `by` (default fulfilment, who takes orders
 * through) and returns its new status.
 */
async function move(name: string, id: string, args = "", by = fulfilment): Promise<string> {
  const data = await by.ok<Record<string, { status: string }>>(
    `mutation($id: ID!) { ${name}(id: $id${args}) { status } }`,
    { id },
  );
  return data[name]!.status;
}

async function ship(orderId: string, lines?: { lineId: string; quantity: number }[]) {
  const { recordOrderShipment } = await fulfilment.ok<{ recordOrderShipment: { status: string } }>(
    `mutation($id: ID!, $input: RecordShipmentInput) { recordOrderShipment(orderId: $id, input: $input) { status } }`,
    { id: orderId, input: lines ? { lines } : null },
  );
  return recordOrderShipment.status;
}

const CHECKOUT = `mutation($id: ID!, $key: String!) {
  checkoutCart(cartId: $id, idempotencyKey: $key) { ${ORDER} } }`;

/**
 * A new customer's order (CREATED), checked out from a cart: one line per entry, each of a new
 * variant priced `price` EUR with `stock` units in a warehouse of its own.
 */
async function checkedOutOrder(lines: { price: number; stock: number; quantity: number }[]) {
  const tag = unique("J").toUpperCase();
  const customerId = await shop.registerCustomer(tag);
  const variants = await Promise.all(
    lines.map(async (l, i) => {
      const variantId = await shop.activeVariant(`${tag}-${i}`, l.price);
      const { stockItemId } = await shop.stock(variantId, l.stock);
      return { variantId, stockItemId };
    }),
  );
  const cartId = await shop.cartWith(
    customerId,
    lines.map((l, i) => ({ variantId: variants[i]!.variantId, quantity: l.quantity })),
  );
  const key = unique("checkout");
  const { checkoutCart: order } = await shop
    .asCustomer(customerId)
    .ok<{ checkoutCart: OrderRead }>(CHECKOUT, { id: cartId, key });
  expect(order.status).toBe("CREATED");
  // The customer reads and pays their own order from here on.
  shop.ownedBy(order.id, customerId);
  return { customerId, variants, cartId, key, order };
}

/** Confirms the order with the provider scripted as given and waits for the saga's outcome. */
async function confirmWithPayment(
  orderId: string,
  outcomes: Parameters<typeof shop.scriptPayment>[1],
) {
  await shop.scriptPayment({ orderId }, outcomes);
  expect(await move("confirmOrder", orderId)).toBe("CONFIRMED");
}

/** A variant's stock as [onHand, reserved, available] over all warehouses. */
async function levels(variantId: string): Promise<number[]> {
  const a = await shop.availability(variantId);
  return [a.onHand, a.reserved, a.available];
}

/** `$name: ID!` for each variable (GraphQL refuses declared variables an operation leaves unused). */
const definitions = (variables: Record<string, unknown>) =>
  Object.keys(variables)
    .map((name) => `$${name}: ID!`)
    .join(", ");

const stepNames = (o: OrderRead) => o.checkout.steps.map((s) => s.name);
const types = (o: OrderRead) => o.timeline.map((e) => e.type);

/** Where the saga left the order: its status, its payments (the fields given), its checkout. */
function expectSagaAt(
  o: OrderRead,
  expected: { status: string; payments: object[]; checkout: string; steps: string[] },
) {
  expect(o.status).toBe(expected.status);
  expect(o.payments).toMatchObject(expected.payments);
  expect(o.checkout.status).toBe(expected.checkout);
  expect(stepNames(o)).toEqual(expected.steps);
}

describe("order journeys through the gateway", () => {
  it("cart → checkout → saga reserves and pays → processing → partly, then fully shipped → delivered → completed", async () => {
    const { customerId, variants, cartId, key, order } = await checkedOutOrder([
      { price: 1_250, stock: 5, quantity: 2 },
      { price: 499, stock: 4, quantity: 3 },
    ]);
    const [mug, cup] = variants as [(typeof variants)[0], (typeof variants)[0]];
    const total = 2 * 1_250 + 3 * 499;
    expect(order.grandTotal).toEqual({ amount: total, currency: "EUR" });
    // A repeated checkout (a client retry) returns the same order.
    expect(
      (
        await shop
          .asCustomer(customerId)
          .ok<{ checkoutCart: OrderRead }>(CHECKOUT, { id: cartId, key })
      ).checkoutCart.id,
    ).toBe(order.id);

    await confirmWithPayment(order.id, [{ outcome: "succeed" }]);
    const paid = await sagaSettled(order.id);
    expect(paid.status).toBe("PAID");
    expect(paid.payments).toEqual([
      {
        id: expect.any(String),
        status: "SUCCEEDED",
        attempts: 1,
        amount: { amount: total },
        captured: { amount: total },
        refundable: { amount: total },
        refunds: [],
      },
    ]);
    // Payment success confirms the reservations: the stock stays held until it ships.
    const held = await orderUntil(order.id, "reservations confirmed", (o) =>
      o.reservations.every((r) => r.status === "CONFIRMED"),
    );
    const reservationOf = (o: OrderRead, stockItemId: string) =>
      o.reservations.find((r) => r.stockItem.id === stockItemId)!;
    expect(reservationOf(held, mug.stockItemId).quantity).toBe(2);
    expect(reservationOf(held, cup.stockItemId).quantity).toBe(3);
    expect(await levels(mug.variantId)).toEqual([5, 2, 3]);
    expect(await levels(cup.variantId)).toEqual([4, 3, 1]);

    expect(await move("markOrderProcessing", order.id)).toBe("PROCESSING");
    const lineOf = (variantId: string) => order.lines.find((l) => l.variant.id === variantId)!.id;
    expect(
      await ship(order.id, [
        { lineId: lineOf(mug.variantId), quantity: 2 },
        { lineId: lineOf(cup.variantId), quantity: 1 },
      ]),
    ).toBe("PARTIALLY_SHIPPED");
    // The shipment completes the mug's line: its stock leaves the warehouse; the cup's stays held.
    const partly = await orderUntil(
      order.id,
      "the mug's reservation committed",
      (o) => reservationOf(o, mug.stockItemId).status === "COMMITTED",
    );
    expect(reservationOf(partly, cup.stockItemId).status).toBe("CONFIRMED");
    expect(await levels(mug.variantId)).toEqual([3, 0, 3]);
    expect(await levels(cup.variantId)).toEqual([4, 3, 1]);

    expect(await ship(order.id)).toBe("SHIPPED");
    await orderUntil(order.id, "every reservation committed", (o) =>
      o.reservations.every((r) => r.status === "COMMITTED"),
    );
    expect(await levels(cup.variantId)).toEqual([1, 0, 1]);
    expect(await move("recordOrderDelivery", order.id)).toBe("DELIVERED");
    expect(await move("completeOrder", order.id)).toBe("COMPLETED");

    // The customer's own view: their order, their list, their record.
    const read = await shop.asCustomer(customerId).ok<{
      order: OrderRead;
      orders: unknown;
      customer: { orders: unknown };
    }>(
      `query($id: ID!, $c: ID!) {
        order(id: $id) { ${ORDER} }
        orders(filter: { customerId: $c, status: COMPLETED }) { totalCount edges { node { id } } }
        customer(id: $c) { orders { totalCount edges { node { id status grandTotal { amount } } } } }
      }`,
      { id: order.id, c: customerId },
    );
    expect(types(read.order)).toEqual([
      "OrderPlaced",
      "OrderConfirmed",
      "OrderPaymentPending",
      "OrderPaid",
      "OrderProcessingStarted",
      "OrderShipmentRecorded",
      "OrderShipmentRecorded",
      "OrderDelivered",
      "OrderCompleted",
    ]);
    expect(read.order.checkout.status).toBe("COMPLETED");
    expect(stepNames(read.order)).toEqual([
      "ORDER_CONFIRMED",
      "PAYMENT_INITIATED",
      "PAYMENT_CAPTURED",
    ]);
    const times = read.order.checkout.steps.map((s) => Date.parse(s.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(read.order.payments).toEqual(paid.payments);
    expect(read.order.reservations.map((r) => [r.status, r.quantity]).sort()).toEqual([
      ["COMMITTED", 2],
      ["COMMITTED", 3],
    ]);
    expect(read.orders).toEqual({ totalCount: 1, edges: [{ node: { id: order.id } }] });
    expect(read.customer.orders).toEqual({
      totalCount: 1,
      edges: [{ node: { id: order.id, status: "COMPLETED", grandTotal: { amount: total } } }],
    });
  });

  it("payment fails → CONFIRMED awaiting a retry with the stock held → retryPayment → succeeds → PAID", async () => {
    const { order } = await checkedOutOrder([{ price: 2_000, stock: 3, quantity: 1 }]);
    await confirmWithPayment(order.id, [
      { outcome: "fail", reason: "insufficient funds" },
      { outcome: "succeed" },
    ]);
    const failed = await orderUntil(order.id, "the first payment failure", (o) =>
      awaitingRetry(o, 1),
    );
    expectSagaAt(failed, {
      status: "CONFIRMED",
      payments: [
        { status: "FAILED", attempts: 1, amount: { amount: 2_000 }, captured: { amount: 0 } },
      ],
      checkout: "PAYMENT_PENDING",
      steps: ["ORDER_CONFIRMED", "PAYMENT_INITIATED", "PAYMENT_FAILED"],
    });
    expect(failed.checkout.steps[2]!.detail).toBe("insufficient funds");
    expect(failed.reservations.map((r) => r.status)).toEqual(["ACTIVE"]);

    const paymentId = failed.payments[0]!.id;
    // The customer retries their own payment.
    const { retryPayment } = await shop
      .asOwnerOf(order.id)
      .ok<{ retryPayment: unknown }>(
        `mutation($id: ID!) { retryPayment(id: $id) { id status attempts order { id } } }`,
        { id: paymentId },
      );
    expect(retryPayment).toEqual({
      id: paymentId,
      status: "PENDING",
      attempts: 2,
      order: { id: order.id },
    });

    const paid = await sagaSettled(order.id);
    expectSagaAt(paid, {
      status: "PAID",
      payments: [{ id: paymentId, status: "SUCCEEDED", attempts: 2, captured: { amount: 2_000 } }],
      checkout: "COMPLETED",
      steps: [
        "ORDER_CONFIRMED",
        "PAYMENT_INITIATED",
        "PAYMENT_FAILED",
        "PAYMENT_INITIATED",
        "PAYMENT_CAPTURED",
      ],
    });
    expect(types(paid)).toEqual([
      "OrderPlaced",
      "OrderConfirmed",
      "OrderPaymentPending",
      "OrderPaymentFailed",
      "OrderPaymentPending",
      "OrderPaid",
    ]);
    // The payment, read by itself, resolves its order across subgraphs.
    const { payment } = await shop
      .asOwnerOf(order.id)
      .ok<{ payment: unknown }>(
        `query($id: ID!) { payment(id: $id) { status attempts order { id status } } }`,
        { id: paymentId },
      );
    expect(payment).toEqual({
      status: "SUCCEEDED",
      attempts: 2,
      order: { id: order.id, status: "PAID" },
    });
    const again = await shop
      .asOwnerOf(order.id)
      .send(`mutation($id: ID!) { retryPayment(id: $id) { id } }`, { id: paymentId });
    expect(errorCode(again)).toBe("INVALID_STATE_TRANSITION");
  });

  it("payment fails 3 times (two retries) → CANCELLED, checkout FAILED, stock released once and restored", async () => {
    const { order, variants } = await checkedOutOrder([
      { price: 700, stock: 4, quantity: 2 },
      { price: 300, stock: 2, quantity: 2 },
    ]);
    const [bowl, spoon] = variants as [(typeof variants)[0], (typeof variants)[0]];
    await confirmWithPayment(
      order.id,
      [1, 2, 3].map((n) => ({ outcome: "fail", reason: `declined ${n}` })),
    );

    for (const attempt of [1, 2]) {
      const failed = await orderUntil(order.id, `payment failure ${attempt}`, (o) =>
        awaitingRetry(o, attempt),
      );
      expect(failed.status).toBe("CONFIRMED");
      expect(failed.payments).toMatchObject([{ status: "FAILED", attempts: attempt }]);
      // The stock stays held while a retry is possible.
      expect(await levels(bowl.variantId)).toEqual([4, 2, 2]);
      const { retryPayment } = await shop.asOwnerOf(order.id).ok<{
        retryPayment: { attempts: number };
      }>(`mutation($id: ID!) { retryPayment(id: $id) { attempts } }`, {
        id: failed.payments[0]!.id,
      });
      expect(retryPayment.attempts).toBe(attempt + 1);
    }

    const cancelled = await sagaSettled(order.id);
    expectSagaAt(cancelled, {
      status: "CANCELLED",
      payments: [{ status: "FAILED", attempts: 3, captured: { amount: 0 }, refunds: [] }],
      checkout: "FAILED",
      steps: [
        "ORDER_CONFIRMED",
        "PAYMENT_INITIATED",
        "PAYMENT_FAILED",
        "PAYMENT_INITIATED",
        "PAYMENT_FAILED",
        "PAYMENT_INITIATED",
        "ORDER_CANCELLED",
      ],
    });
    expect(cancelled.checkout.steps.at(-1)!.detail).toBe("payment failed: declined 3");
    expect(types(cancelled).at(-1)).toBe("OrderCancelled");
    const fourth = await shop
      .asOwnerOf(order.id)
      .send(`mutation($id: ID!) { retryPayment(id: $id) { id } }`, {
        id: cancelled.payments[0]!.id,
      });
    expect(errorCode(fourth)).toBe("INVALID_STATE_TRANSITION");

    // Inventory releases both reservations, once each, and the stock is back where it started.
    const released = await orderUntil(order.id, "reservations released", (o) =>
      o.reservations.every((r) => r.status === "RELEASED"),
    );
    expect(released.reservations).toHaveLength(2);
    for (const r of released.reservations) {
      expect(r).toMatchObject({ status: "RELEASED", releaseReason: "CANCELLED", version: 2 });
    }
    const releases = await inventory.outbox.findMany({
      where: {
        aggregateType: "Reservation",
        aggregateId: { in: released.reservations.map((r) => r.id) },
        eventType: "ReservationReleased",
      },
    });
    expect(releases.map((e) => e.aggregateId).sort()).toEqual(
      released.reservations.map((r) => r.id).sort(),
    );
    expect(await levels(bowl.variantId)).toEqual([4, 0, 4]);
    expect(await levels(spoon.variantId)).toEqual([2, 0, 2]);
  });

  it("delivered → return requested → approved → returned → refunded by payments through the provider → REFUNDED", async () => {
    const { order } = await checkedOutOrder([{ price: 3_000, stock: 2, quantity: 1 }]);
    await confirmWithPayment(order.id, [{ outcome: "succeed" }]);
    const paid = await sagaSettled(order.id);
    expect(paid.status).toBe("PAID");
    expect(await ship(order.id)).toBe("SHIPPED");
    expect(await move("recordOrderDelivery", order.id)).toBe("DELIVERED");

    // Refunds never exceed what was captured.
    const paymentId = paid.payments[0]!.id;
    const REFUND = `mutation($id: ID!, $amount: Int!) {
      requestRefund(paymentId: $id, input: { amount: $amount, reason: "goodwill" }) { ${PAYMENT} } }`;
    expect(errorCode(await finance.send(REFUND, { id: paymentId, amount: 3_001 }))).toBe(
      "VALIDATION_FAILED",
    );
    // A goodwill refund while DELIVERED: the payment is partly refunded, the order stays DELIVERED.
    const { requestRefund } = await finance.ok<{ requestRefund: PaymentRead }>(REFUND, {
      id: paymentId,
      amount: 500,
    });
    expect(requestRefund).toMatchObject({
      status: "SUCCEEDED",
      refundable: { amount: 2_500 },
      refunds: [{ status: "REQUESTED", amount: { amount: 500 } }],
    });
    const partly = await pollUntil(
      "the goodwill refund to complete",
      async () =>
        (
          await finance.ok<{ payment: PaymentRead }>(
            `query($id: ID!) { payment(id: $id) { ${PAYMENT} } }`,
            {
              id: paymentId,
            },
          )
        ).payment,
      (p) => p.status === "PARTIALLY_REFUNDED",
    );
    expect(partly.refunds).toEqual([{ status: "COMPLETED", amount: { amount: 500 } }]);

    // The customer asks for the return; fulfilment approves it and records the goods back.
    expect(
      await move(
        "requestOrderReturn",
        order.id,
        `, reason: "does not fit"`,
        shop.asOwnerOf(order.id),
      ),
    ).toBe("RETURN_REQUESTED");
    expect(await move("approveOrderReturn", order.id)).toBe("RETURN_APPROVED");
    expect(await move("recordOrderReturn", order.id)).toBe("RETURNED");

    const refunded = await orderUntil(
      order.id,
      "the return's refund to complete",
      (o) => o.status === "REFUNDED",
    );
    expect(types(refunded).slice(-5)).toEqual([
      "OrderDelivered",
      "OrderReturnRequested",
      "OrderReturnApproved",
      "OrderReturned",
      "OrderRefunded",
    ]);
    const [payment] = refunded.payments as [PaymentRead];
    expect(payment).toMatchObject({
      status: "REFUNDED",
      captured: { amount: 3_000 },
      refundable: { amount: 0 },
      refunds: [
        { status: "COMPLETED", amount: { amount: 500 } },
        { status: "COMPLETED", amount: { amount: 2_500 } },
      ],
    });
    const refundedTotal = payment.refunds.reduce((sum, r) => sum + r.amount.amount, 0);
    expect(refundedTotal).toBe(payment.captured.amount);
    expect(errorCode(await finance.send(REFUND, { id: paymentId, amount: 1 }))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });

  it("invoices: DRAFT → VOIDED (cannot be issued); ISSUED before the payment → PAID when the saga captures it; issued after it → PAID at once", async () => {
    const INVOICE = `id number status taxRateBps
      lines { description quantity unitPrice { amount } total { amount } }
      subtotal { amount currency } tax { amount } total { amount formatted } order { id status }`;
    // Prices include 20 % tax: 2 × 1 200 = 2 400 = 2 000 net + 400 tax.
    const input = {
      currency: "EUR",
      taxRateBps: 2_000,
      lines: [{ description: "Mug, stoneware", quantity: 2, unitPrice: 1_000 }],
    };
    type InvoiceRead = { id: string; number: string; status: string };
    const generate = async (orderId: string) =>
      (
        await finance.ok<{ generateInvoice: InvoiceRead }>(
          `mutation($id: ID!, $input: GenerateInvoiceInput!) { generateInvoice(orderId: $id, input: $input) { ${INVOICE} } }`,
          { id: orderId, input },
        )
      ).generateInvoice;
    const change = (mutation: "issueInvoice" | "voidInvoice", id: string) =>
      finance.send<Record<string, InvoiceRead>>(
        `mutation($id: ID!) { ${mutation}(id: $id) { ${INVOICE} } }`,
        {
          id,
        },
      );
    const invoiceUntilPaid = (id: string) =>
      pollUntil(
        `invoice ${id} to be paid`,
        async () =>
          (
            await finance.ok<{ invoice: InvoiceRead }>(
              `query($id: ID!) { invoice(id: $id) { ${INVOICE} } }`,
              {
                id,
              },
            )
          ).invoice,
        (i) => i.status === "PAID",
      );

    // Order 1: invoiced while CREATED.
    const first = await checkedOutOrder([{ price: 1_200, stock: 2, quantity: 2 }]);
    const draft = await generate(first.order.id);
    expect(draft).toEqual({
      id: expect.any(String),
      number: expect.stringMatching(/^INV-[0-9A-F]{8}$/),
      status: "DRAFT",
      taxRateBps: 2_000,
      lines: [
        {
          description: "Mug, stoneware",
          quantity: 2,
          unitPrice: { amount: 1_000 },
          total: { amount: 2_000 },
        },
      ],
      subtotal: { amount: 2_000, currency: "EUR" },
      tax: { amount: 400 },
      total: { amount: 2_400, formatted: "€24.00" },
      order: { id: first.order.id, status: "CREATED" },
    });
    expect((await change("voidInvoice", draft.id)).data?.voidInvoice?.status).toBe("VOIDED");
    expect(errorCode(await change("issueInvoice", draft.id))).toBe("INVALID_STATE_TRANSITION");
    expect((await readOrder(first.order.id)).invoice).toBeNull();

    const second = await generate(first.order.id);
    expect(second.number).not.toBe(draft.number);
    expect((await change("issueInvoice", second.id)).data?.issueInvoice?.status).toBe("ISSUED");
    expect((await readOrder(first.order.id)).invoice).toEqual({
      id: second.id,
      number: second.number,
      status: "ISSUED",
    });
    await confirmWithPayment(first.order.id, [{ outcome: "succeed" }]);
    expect((await sagaSettled(first.order.id)).status).toBe("PAID");
    expect(await invoiceUntilPaid(second.id)).toMatchObject({
      status: "PAID",
      total: { amount: 2_400 },
      order: { id: first.order.id, status: "PAID" },
    });
    expect((await readOrder(first.order.id)).invoice).toMatchObject({
      id: second.id,
      status: "PAID",
    });
    expect(errorCode(await change("voidInvoice", second.id))).toBe("INVALID_STATE_TRANSITION");
    const { invoice: voided } = await finance.ok<{ invoice: InvoiceRead }>(
      `query($id: ID!) { invoice(id: $id) { status } }`,
      { id: draft.id },
    );
    expect(voided).toEqual({ status: "VOIDED" });

    // Order 2: paid first, invoiced afterwards.
    const late = await checkedOutOrder([{ price: 1_200, stock: 2, quantity: 2 }]);
    await confirmWithPayment(late.order.id, [{ outcome: "succeed" }]);
    expect((await sagaSettled(late.order.id)).status).toBe("PAID");
    const invoice = await generate(late.order.id);
    expect((await change("issueInvoice", invoice.id)).data?.issueInvoice?.status).toBe("ISSUED");
    expect(await invoiceUntilPaid(invoice.id)).toMatchObject({ status: "PAID" });
  });

  it("editing through the gateway: a guest cart's quantity and coupon, merged into the customer's cart, a line removed, a cart abandoned; an order's lines and coupon edited while CREATED, then cancelled", async () => {
    const tag = unique("JE").toUpperCase();
    const customerId = await shop.registerCustomer(tag);
    const [mug, cup] = await Promise.all([
      shop.activeVariant(`${tag}-0`, 1_000),
      shop.activeVariant(`${tag}-1`, 250),
    ]);
    type CartRead = {
      status: string;
      couponCode: string | null;
      lines: { variant: { id: string }; quantity: number }[];
      mergedInto: { id: string } | null;
    };
    const CART = `status couponCode lines { variant { id } quantity } mergedInto { id }`;
    // The guest's cart is worked on by its anonymous holder; merging, and everything after, by
    // the customer signed in.
    const guestShopper = shop.as("anonymous");
    const customer = shop.asCustomer(customerId);
    const cartMutation = async (
      call: string,
      variables: Record<string, unknown>,
      by = customer,
      headers: Record<string, string> = {},
    ) =>
      Object.values(
        await by.ok<Record<string, CartRead>>(
          `mutation(${definitions(variables)}) { ${call} { ${CART} } }`,
          variables,
          headers,
        ),
      )[0]!;
    const line = (variantId: string, quantity: number) => ({
      variant: { id: variantId },
      quantity,
    });
    /** The cart's lines after `call` on cart `id` with variant `v`. */
    const linesAfter = async (
      call: string,
      id: string,
      v: string,
      by = customer,
      headers: Record<string, string> = {},
    ) => (await cartMutation(call, { id, v }, by, headers)).lines;

    const customerCart = await shop.cartWith(customerId, [{ variantId: mug, quantity: 1 }]);
    const guest = await shop.cartWith(null, [{ variantId: cup, quantity: 2 }]);
    // Whoever works on a guest cart shows its cart token, which createCart gave its creator.
    const guestToken = { "x-cart-token": shop.guestCartToken(guest)! };
    expect(
      await linesAfter(
        "updateCartItemQuantity(cartId: $id, variantId: $v, quantity: 3)",
        guest,
        cup,
        guestShopper,
        guestToken,
      ),
    ).toEqual([line(cup, 3)]);
    expect(
      (
        await cartMutation(
          `applyCartCoupon(cartId: $id, code: "fiveoff")`,
          { id: guest },
          guestShopper,
          guestToken,
        )
      ).couponCode,
    ).toBe("FIVEOFF");
    expect(
      await cartMutation(
        "mergeCarts(guestCartId: $other, customerCartId: $id)",
        { id: customerCart, other: guest },
        customer,
        guestToken,
      ),
    ).toEqual({
      status: "ACTIVE",
      couponCode: "FIVEOFF",
      lines: [line(mug, 1), line(cup, 3)],
      mergedInto: null,
    });
    expect(
      await linesAfter("removeCartItem(cartId: $id, variantId: $v)", customerCart, mug),
    ).toEqual([line(cup, 3)]);
    // The customer, still holding the guest cart's token, sees where it went; the anonymous
    // holder sees the guest cart but not the customer's cart it was merged into.
    const { cart: merged } = await customer.ok<{ cart: CartRead }>(
      `query($id: ID!) { cart(id: $id) { ${CART} } }`,
      { id: guest },
      guestToken,
    );
    expect(merged).toMatchObject({ status: "ABANDONED", mergedInto: { id: customerCart } });
    const { cart: asGuest } = await guestShopper.ok<{ cart: CartRead }>(
      `query($id: ID!) { cart(id: $id) { ${CART} } }`,
      { id: guest },
      guestToken,
    );
    expect(asGuest).toMatchObject({ status: "ABANDONED", mergedInto: null });
    // Without the token the guest cart is what a missing one is.
    expect(
      (
        await guestShopper.ok<{ cart: CartRead | null }>(
          `query($id: ID!) { cart(id: $id) { status } }`,
          {
            id: guest,
          },
        )
      ).cart,
    ).toBeNull();
    const spare = await shop.cartWith(customerId, []);
    expect((await cartMutation("abandonCart(id: $id)", { id: spare })).status).toBe("ABANDONED");

    // The edited cart checks out with its coupon: 3 × 250 − 500.
    const { checkoutCart } = await customer.ok<{
      checkoutCart: OrderRead & { discount: { amount: number } };
    }>(
      `mutation($id: ID!, $key: String!) { checkoutCart(cartId: $id, idempotencyKey: $key) { ${ORDER} discount { amount } } }`,
      { id: customerCart, key: unique("edit") },
    );
    expect(checkoutCart.discount.amount).toBe(500);
    expect(checkoutCart.grandTotal.amount).toBe(250);

    // An order placed directly, edited while CREATED.
    type Edited = OrderRead & { subtotal: { amount: number }; discount: { amount: number } };
    const orderMutation = async (call: string, variables: Record<string, unknown>) =>
      Object.values(
        await customer.ok<Record<string, Edited>>(
          `mutation(${definitions(variables)}) { ${call} { ${ORDER} subtotal { amount } discount { amount } } }`,
          variables,
        ),
      )[0]!;
    const { placeOrder: placed } = await customer.ok<{ placeOrder: OrderRead }>(
      `mutation($c: ID!, $v: ID!) { placeOrder(input: { customerId: $c, lines: [{ variantId: $v, quantity: 1 }] }) { ${ORDER} } }`,
      { c: customerId, v: mug },
    );
    const added = await orderMutation(
      "addOrderItem(orderId: $id, input: { variantId: $v, quantity: 2 })",
      { id: placed.id, v: cup },
    );
    const lineOf = (o: OrderRead, variantId: string) =>
      o.lines.find((l) => l.variant.id === variantId)!.id;
    await orderMutation("updateOrderItemQuantity(orderId: $id, lineId: $line, quantity: 4)", {
      id: placed.id,
      line: lineOf(added, cup),
    });
    await orderMutation("removeOrderItem(orderId: $id, lineId: $line)", {
      id: placed.id,
      line: lineOf(added, mug),
    });
    const edited = await orderMutation(`applyOrderCoupon(orderId: $id, code: "WELCOME10")`, {
      id: placed.id,
    });
    expect(edited.lines.map((l) => [l.variant.id, l.quantity])).toEqual([[cup, 4]]);
    expect([edited.subtotal.amount, edited.discount.amount, edited.grandTotal.amount]).toEqual([
      1_000, 100, 900,
    ]);
    const cancelled = await orderMutation(`cancelOrder(id: $id, reason: "changed my mind")`, {
      id: placed.id,
    });
    expect(cancelled.status).toBe("CANCELLED");
    expect(types(cancelled)).toEqual([
      "OrderPlaced",
      "OrderItemAdded",
      "OrderItemQuantityChanged",
      "OrderItemRemoved",
      "OrderCouponApplied",
      "OrderCancelled",
    ]);
    expect(cancelled.checkout).toMatchObject({
      status: "CANCELLED",
      steps: [{ name: "ORDER_CANCELLED", detail: "changed my mind" }],
    });
  });
});
