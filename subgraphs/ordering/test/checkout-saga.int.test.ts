import type { EventConsumer } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import { newId } from "@shopstream/outbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCheckoutSagaConsumer,
  createPaymentOutcomesConsumer,
  createReservationExpiryConsumer,
} from "../src/checkout/checkout-saga.consumer.ts";
import { checkoutPaymentId } from "../src/checkout/checkout-saga.ts";
import type { Prisma } from "../src/generated/prisma/client.ts";
import {
  event,
  ORDER_FIELDS,
  type OrderView,
  ok,
  prisma,
  seedCustomer,
  seedVariant,
  server,
} from "./ordering.harness.ts";

beforeAll(() => server.start());
afterAll(async () => {
  await server.stop();
  await prisma.$disconnect();
});

const stock = createCheckoutSagaConsumer(prisma);
const payments = createPaymentOutcomesConsumer(prisma);
const expiry = createReservationExpiryConsumer(prisma);

/** Runs the consumer's handler for `e` in the consumer's transaction, as the workers do. */
async function deliver(consumer: EventConsumer<Prisma.TransactionClient>, e: DomainEvent) {
  const handler = consumer.handlers[e.type];
  expect(handler, `${consumer.name} handles ${e.type}`).toBeDefined();
  await consumer.transaction((tx) => handler!(e, tx));
}

const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const read = (id: string) => ok<OrderView>(ORDER, { id });

/** A CONFIRMED order: 2 × 1000 EUR. */
async function confirmedOrder(): Promise<OrderView> {
  const customerId = await seedCustomer();
  const variantId = await seedVariant(1000);
  const order = await ok<OrderView>(
    `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`,
    { input: { customerId, lines: [{ variantId, quantity: 2 }] } },
  );
  return ok<OrderView>(`mutation($id: ID!) { confirmOrder(id: $id) { ${ORDER_FIELDS} } }`, {
    id: order.id,
  });
}

const reserved = (orderId: string) =>
  event("OrderStock", orderId, "OrderStockReserved", 1, {
    orderId,
    status: "RESERVED",
    reservations: [],
  });
const shortage = (orderId: string) =>
  event("OrderStock", orderId, "OrderStockShortage", 1, {
    orderId,
    status: "SHORTAGE",
    shortages: [{ variantId: newId(), requested: 2, available: 0 }],
  });
const paymentEvent = (
  orderId: string,
  type: string,
  version: number,
  payload: Record<string, unknown>,
  paymentId = checkoutPaymentId(orderId),
) => event("Payment", paymentId, type, version, { paymentId, orderId, ...payload });
const succeeded = (orderId: string, version: number, attempt: number) =>
  paymentEvent(orderId, "PaymentSucceeded", version, {
    amount: { amount: 2000, currency: "EUR" },
    attempt,
  });
const failed = (orderId: string, version: number, attempt: number) =>
  paymentEvent(orderId, "PaymentFailed", version, {
    reason: "card declined",
    attempt,
    attemptsLeft: 3 - attempt,
  });
const retried = (orderId: string, version: number, attempt: number) =>
  paymentEvent(orderId, "PaymentRetried", version, { attempt });
const expired = (orderId: string) =>
  event("Reservation", newId(), "ReservationReleased", 2, {
    reservationId: newId(),
    orderId,
    reason: "EXPIRED",
  });

const types = (o: OrderView) => o.timeline.map((t) => t.type);

describe("checkout saga reactions (ordering consumers, real PostgreSQL)", () => {
  it("happy path: reserved → PAYMENT_PENDING with the derived payment id → PAID; repeats and late events change nothing", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    let now = await read(order.id);
    expect(now.status).toBe("PAYMENT_PENDING");
    const pending = now.timeline.find((t) => t.type === "OrderPaymentPending")!;
    expect(pending.payload).toMatchObject({
      paymentId: checkoutPaymentId(order.id),
      amount: { amount: 2000, currency: "EUR" },
      previousStatus: "CONFIRMED",
      status: "PAYMENT_PENDING",
    });
    const success = succeeded(order.id, 2, 1);
    await deliver(payments, success);
    now = await read(order.id);
    expect(now.status).toBe("PAID");
    const version = now.version;
    // Duplicates and late events.
    await deliver(payments, success);
    await deliver(stock, reserved(order.id));
    await deliver(payments, failed(order.id, 2, 1));
    await deliver(stock, shortage(order.id));
    await deliver(expiry, expired(order.id));
    now = await read(order.id);
    expect(now.status).toBe("PAID");
    expect(now.version).toBe(version);
    expect(types(now)).toEqual([
      "OrderPlaced",
      "OrderConfirmed",
      "OrderPaymentPending",
      "OrderPaid",
    ]);
    const outbox = await prisma.outbox.findMany({
      where: { aggregateId: order.id },
      orderBy: { aggregateVersion: "asc" },
    });
    expect(outbox.map((e) => e.eventType)).toEqual(types(now));
    // The saga's state is stored with each step and read back on Order.checkout.
    const row = await prisma.checkoutSaga.findUniqueOrThrow({ where: { orderId: order.id } });
    expect(row.status).toBe("COMPLETED");
    expect((row.steps as { name: string }[]).map((x) => x.name)).toEqual([
      "ORDER_CONFIRMED",
      "PAYMENT_INITIATED",
      "PAYMENT_CAPTURED",
    ]);
    expect(now.checkout).toEqual({
      status: "COMPLETED",
      steps: [
        { name: "ORDER_CONFIRMED", detail: null },
        { name: "PAYMENT_INITIATED", detail: null },
        { name: "PAYMENT_CAPTURED", detail: null },
      ],
    });
  });

  it("stores the saga state on every step, also when a mutation moves the order; Order.checkout reads the stored row", async () => {
    const order = await confirmedOrder();
    const stored = () => prisma.checkoutSaga.findUniqueOrThrow({ where: { orderId: order.id } });
    expect((await stored()).status).toBe("RESERVING");
    await deliver(stock, reserved(order.id));
    expect((await stored()).status).toBe("PAYMENT_PENDING");
    await deliver(payments, failed(order.id, 2, 1));
    expect((await stored()).status).toBe("PAYMENT_PENDING");
    await ok(`mutation($id: ID!) { cancelOrder(id: $id, reason: "changed mind") { id } }`, {
      id: order.id,
    });
    const row = await stored();
    expect(row.status).toBe("CANCELLED");
    expect((row.steps as { name: string; detail: string | null }[]).at(-1)).toMatchObject({
      name: "ORDER_CANCELLED",
      detail: "changed mind",
    });
    // The resolver serves the stored row (here altered by hand to tell it from the derived one).
    await prisma.checkoutSaga.update({
      where: { orderId: order.id },
      data: { steps: [] },
    });
    expect((await read(order.id)).checkout).toEqual({ status: "CANCELLED", steps: [] });
    // An order without a row (never confirmed) falls back to the derived state.
    const customerId = await seedCustomer();
    const variantId = await seedVariant(100);
    const created = await ok<OrderView>(
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`,
      { input: { customerId, lines: [{ variantId, quantity: 1 }] } },
    );
    expect(await prisma.checkoutSaga.count({ where: { orderId: created.id } })).toBe(0);
    expect(created.checkout).toEqual({ status: "NOT_STARTED", steps: [] });
  });

  it("shortage cancels the order (insufficient stock); a repeat changes nothing", async () => {
    const order = await confirmedOrder();
    await deliver(stock, shortage(order.id));
    await deliver(stock, shortage(order.id));
    const now = await read(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(types(now)).toEqual(["OrderPlaced", "OrderConfirmed", "OrderCancelled"]);
    expect(now.timeline.at(-1)!.payload).toMatchObject({ reason: "insufficient stock" });
  });

  it("failure with attempts left → CONFIRMED, retry → PAYMENT_PENDING, success → PAID, with repeats in between", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    const fail1 = failed(order.id, 2, 1);
    await deliver(payments, fail1);
    expect((await read(order.id)).status).toBe("CONFIRMED");
    await deliver(payments, fail1);
    await deliver(stock, reserved(order.id));
    expect((await read(order.id)).status).toBe("CONFIRMED");
    const retry = retried(order.id, 3, 2);
    await deliver(payments, retry);
    expect((await read(order.id)).status).toBe("PAYMENT_PENDING");
    await deliver(payments, retry);
    await deliver(payments, fail1); // late: the first attempt's failure was recorded already
    expect((await read(order.id)).status).toBe("PAYMENT_PENDING");
    await deliver(payments, succeeded(order.id, 4, 2));
    const now = await read(order.id);
    expect(now.status).toBe("PAID");
    expect(types(now)).toEqual([
      "OrderPlaced",
      "OrderConfirmed",
      "OrderPaymentPending",
      "OrderPaymentFailed",
      "OrderPaymentPending",
      "OrderPaid",
    ]);
    expect(
      now.timeline.filter((t) => t.type === "OrderPaymentPending").map((t) => t.payload.paymentId),
    ).toEqual([checkoutPaymentId(order.id), checkoutPaymentId(order.id)]);
  });

  it("the third failure cancels the order; later reports change nothing", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    await deliver(payments, failed(order.id, 2, 1));
    await deliver(payments, retried(order.id, 3, 2));
    await deliver(payments, failed(order.id, 4, 2));
    await deliver(payments, retried(order.id, 5, 3));
    expect((await read(order.id)).status).toBe("PAYMENT_PENDING");
    const last = failed(order.id, 6, 3);
    await deliver(payments, last);
    let now = await read(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(now.timeline.at(-1)).toMatchObject({
      type: "OrderCancelled",
      payload: { reason: "payment failed: card declined", refundRequired: false },
    });
    const version = now.version;
    await deliver(payments, last);
    await deliver(payments, retried(order.id, 5, 3));
    await deliver(payments, succeeded(order.id, 7, 3));
    await deliver(expiry, expired(order.id));
    now = await read(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(now.version).toBe(version);
  });

  it("an expired reservation cancels an unpaid order (reservation expired); other releases do not", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    await deliver(
      expiry,
      event("Reservation", newId(), "ReservationReleased", 2, {
        orderId: order.id,
        reason: "CANCELLED",
      }),
    );
    expect((await read(order.id)).status).toBe("PAYMENT_PENDING");
    await deliver(expiry, expired(order.id));
    await deliver(expiry, expired(order.id)); // a second line's reservation
    const now = await read(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(now.timeline.at(-1)!.payload).toMatchObject({ reason: "reservation expired" });
    expect(types(now).filter((t) => t === "OrderCancelled")).toHaveLength(1);
    // The success that arrives after cancellation changes nothing here (payments refunds it).
    await deliver(payments, succeeded(order.id, 2, 1));
    expect((await read(order.id)).status).toBe("CANCELLED");
  });

  it("ignores payments other than the order's checkout payment, and orders ordering does not know", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    await deliver(
      payments,
      paymentEvent(
        order.id,
        "PaymentSucceeded",
        2,
        { amount: { amount: 2000, currency: "EUR" }, attempt: 1 },
        newId(),
      ),
    );
    expect((await read(order.id)).status).toBe("PAYMENT_PENDING");
    const stranger = newId();
    await deliver(stock, reserved(stranger));
    await deliver(payments, succeeded(stranger, 2, 1));
    await deliver(expiry, expired(stranger));
  });

  it("a returned or cancelled order becomes REFUNDED when its payment is refunded in full; partial, foreign and repeated refunds change nothing", async () => {
    const completed = (orderId: string, version: number, status: string, paymentId?: string) =>
      paymentEvent(
        orderId,
        "RefundCompleted",
        version,
        {
          refundId: newId(),
          amount: { amount: 2000, currency: "EUR" },
          refundedTotal: 2000,
          previousStatus: "SUCCEEDED",
          status,
        },
        paymentId,
      );
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    await deliver(payments, succeeded(order.id, 2, 1));
    const move = (m: string, id = order.id) => ok(`mutation($id: ID!) { ${m} { id } }`, { id });
    await move("recordOrderShipment(orderId: $id)");
    await move("recordOrderDelivery(id: $id)");
    // A refund while DELIVERED (a goodwill gesture) is not the refund a return is waiting for.
    await deliver(payments, completed(order.id, 3, "REFUNDED"));
    expect((await read(order.id)).status).toBe("DELIVERED");
    await move("requestOrderReturn(id: $id)");
    await move("approveOrderReturn(id: $id)");
    await move("recordOrderReturn(id: $id)");
    await deliver(payments, completed(order.id, 4, "PARTIALLY_REFUNDED"));
    await deliver(payments, completed(order.id, 4, "REFUNDED", newId()));
    expect((await read(order.id)).status).toBe("RETURNED");
    const full = completed(order.id, 5, "REFUNDED");
    await deliver(payments, full);
    let now = await read(order.id);
    expect(now.status).toBe("REFUNDED");
    expect(now.timeline.at(-1)).toMatchObject({
      type: "OrderRefunded",
      payload: {
        previousStatus: "RETURNED",
        status: "REFUNDED",
        refundId: (full.payload as { refundId: string }).refundId,
        amount: { amount: 2000, currency: "EUR" },
      },
    });
    const version = now.version;
    await deliver(payments, full);
    expect((await read(order.id)).version).toBe(version);

    // A paid order cancelled: its refund completing ends it REFUNDED too.
    const cancelled = await confirmedOrder();
    await deliver(stock, reserved(cancelled.id));
    await deliver(payments, succeeded(cancelled.id, 2, 1));
    await move("cancelOrder(id: $id)", cancelled.id);
    await deliver(payments, completed(cancelled.id, 3, "REFUNDED"));
    now = await read(cancelled.id);
    expect(types(now).slice(-2)).toEqual(["OrderCancelled", "OrderRefunded"]);
  });

  it("the same event delivered concurrently applies once (the others roll back on the version guard)", async () => {
    const order = await confirmedOrder();
    const e = reserved(order.id);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => deliver(stock, e)));
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    const now = await read(order.id);
    expect(now.status).toBe("PAYMENT_PENDING");
    expect(types(now).filter((t) => t === "OrderPaymentPending")).toHaveLength(1);
  });
});
