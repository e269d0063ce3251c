import { isDomainError } from "@shopstream/errors";
import { type EventConsumer, PermanentEventError } from "@shopstream/events";
import { type DomainEvent, newId } from "@shopstream/outbox";
import { deliverEvent } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  createCheckoutSagaConsumer,
  createPaymentOutcomesConsumer,
  createReservationExpiryConsumer,
} from "../src/checkout/checkout-saga.consumer.ts";
import { checkoutPaymentId } from "../src/checkout/checkout-saga.ts";
import type { Prisma } from "../src/generated/prisma/client.ts";
import {
  confirmedOrder,
  nextEvent,
  type OrderView,
  ok,
  placeOrder,
  prisma,
  raceUntil,
  readOrder,
  seedCustomer,
  seedVariant,
  useServer,
} from "./ordering.harness.ts";

useServer();

const stock = createCheckoutSagaConsumer(prisma);
const payments = createPaymentOutcomesConsumer(prisma);
const expiry = createReservationExpiryConsumer(prisma);
type Consumer = EventConsumer<Prisma.TransactionClient>;

/** Delivers a new event through the consumer's inbox, as the workers do: it must apply. */
async function deliver(consumer: Consumer, e: DomainEvent) {
  expect(await deliverEvent(consumer, e), `${consumer.name} applies ${e.type}`).toBe("applied");
}

/** Delivers an event a second time: the inbox recognises it and nothing runs. */
async function redeliver(consumer: Consumer, e: DomainEvent) {
  expect(await deliverEvent(consumer, e)).toBe("skipped-duplicate");
}

const reserved = (orderId: string) =>
  nextEvent("OrderStock", orderId, "OrderStockReserved", {
    orderId,
    status: "RESERVED",
    reservations: [],
  });
const shortage = (orderId: string) =>
  nextEvent("OrderStock", orderId, "OrderStockShortage", {
    orderId,
    status: "SHORTAGE",
    shortages: [{ variantId: newId(), requested: 2, available: 0 }],
  });
const paymentEvent = (
  orderId: string,
  type: string,
  payload: Record<string, unknown>,
  paymentId = checkoutPaymentId(orderId),
) => nextEvent("Payment", paymentId, type, { paymentId, orderId, ...payload });
const succeeded = (orderId: string, attempt: number) =>
  paymentEvent(orderId, "PaymentSucceeded", { amount: { amount: 2000, currency: "EUR" }, attempt });
const failed = (orderId: string, attempt: number) =>
  paymentEvent(orderId, "PaymentFailed", {
    reason: "card declined",
    attempt,
    attemptsLeft: 3 - attempt,
  });
const retried = (orderId: string, attempt: number) =>
  paymentEvent(orderId, "PaymentRetried", { attempt });
/** A reservation of the order released: each call is another reservation (another line). */
const released = (orderId: string, reason = "EXPIRED") =>
  nextEvent("Reservation", newId(), "ReservationReleased", {
    reservationId: newId(),
    orderId,
    reason,
  });

const types = (o: OrderView) => o.timeline.map((t) => t.type);

describe("checkout saga reactions (ordering consumers, real PostgreSQL)", () => {
  it("happy path: reserved → PAYMENT_PENDING with the derived payment id → PAID; repeats and late events change nothing", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    let now = await readOrder(order.id);
    expect(now.status).toBe("PAYMENT_PENDING");
    const pending = now.timeline.find((t) => t.type === "OrderPaymentPending")!;
    expect(pending.payload).toMatchObject({
      paymentId: checkoutPaymentId(order.id),
      amount: { amount: 2000, currency: "EUR" },
      previousStatus: "CONFIRMED",
      status: "PAYMENT_PENDING",
    });
    const success = succeeded(order.id, 1);
    await deliver(payments, success);
    now = await readOrder(order.id);
    expect(now.status).toBe("PAID");
    const version = now.version;
    // A redelivery, then the same facts reported again and late ones.
    await redeliver(payments, success);
    await deliver(payments, succeeded(order.id, 1));
    await deliver(stock, reserved(order.id));
    await deliver(payments, failed(order.id, 1));
    await deliver(stock, shortage(order.id));
    await deliver(expiry, released(order.id));
    now = await readOrder(order.id);
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
    await deliver(payments, failed(order.id, 1));
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
    expect((await readOrder(order.id)).checkout).toEqual({ status: "CANCELLED", steps: [] });
    // An order without a row (never confirmed) falls back to the derived state.
    const customerId = await seedCustomer();
    const variantId = await seedVariant(100);
    const created = await placeOrder({ customerId, lines: [{ variantId, quantity: 1 }] });
    expect(await prisma.checkoutSaga.count({ where: { orderId: created.id } })).toBe(0);
    expect(created.checkout).toEqual({ status: "NOT_STARTED", steps: [] });
  });

  it("shortage cancels the order (insufficient stock); a repeat changes nothing", async () => {
    const order = await confirmedOrder();
    const short = shortage(order.id);
    await deliver(stock, short);
    await redeliver(stock, short);
    await deliver(stock, shortage(order.id));
    const now = await readOrder(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(types(now)).toEqual(["OrderPlaced", "OrderConfirmed", "OrderCancelled"]);
    expect(now.timeline.at(-1)!.payload).toMatchObject({ reason: "insufficient stock" });
  });

  it("failure with attempts left → CONFIRMED, retry → PAYMENT_PENDING, success → PAID, with repeats in between", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    const fail1 = failed(order.id, 1);
    await deliver(payments, fail1);
    expect((await readOrder(order.id)).status).toBe("CONFIRMED");
    await redeliver(payments, fail1);
    await deliver(payments, failed(order.id, 1));
    await deliver(stock, reserved(order.id));
    expect((await readOrder(order.id)).status).toBe("CONFIRMED");
    const retry = retried(order.id, 2);
    await deliver(payments, retry);
    expect((await readOrder(order.id)).status).toBe("PAYMENT_PENDING");
    await redeliver(payments, retry);
    await deliver(payments, retried(order.id, 2));
    // Late: the first attempt's failure was recorded already.
    await deliver(payments, failed(order.id, 1));
    expect((await readOrder(order.id)).status).toBe("PAYMENT_PENDING");
    await deliver(payments, succeeded(order.id, 2));
    const now = await readOrder(order.id);
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
    await deliver(payments, failed(order.id, 1));
    await deliver(payments, retried(order.id, 2));
    await deliver(payments, failed(order.id, 2));
    await deliver(payments, retried(order.id, 3));
    expect((await readOrder(order.id)).status).toBe("PAYMENT_PENDING");
    const last = failed(order.id, 3);
    await deliver(payments, last);
    let now = await readOrder(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(now.timeline.at(-1)).toMatchObject({
      type: "OrderCancelled",
      payload: { reason: "payment failed: card declined", refundRequired: false },
    });
    const version = now.version;
    await redeliver(payments, last);
    await deliver(payments, failed(order.id, 3));
    await deliver(payments, retried(order.id, 3));
    await deliver(payments, succeeded(order.id, 3));
    await deliver(expiry, released(order.id));
    now = await readOrder(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(now.version).toBe(version);
  });

  it("an expired reservation cancels an unpaid order (reservation expired); other releases do not", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    await deliver(expiry, released(order.id, "CANCELLED"));
    expect((await readOrder(order.id)).status).toBe("PAYMENT_PENDING");
    await deliver(expiry, released(order.id));
    await deliver(expiry, released(order.id)); // a second line's reservation
    const now = await readOrder(order.id);
    expect(now.status).toBe("CANCELLED");
    expect(now.timeline.at(-1)!.payload).toMatchObject({ reason: "reservation expired" });
    expect(types(now).filter((t) => t === "OrderCancelled")).toHaveLength(1);
    // The success that arrives after cancellation changes nothing here (payments refunds it).
    await deliver(payments, succeeded(order.id, 1));
    expect((await readOrder(order.id)).status).toBe("CANCELLED");
  });

  it("ignores payments other than the order's checkout payment, and orders ordering does not know", async () => {
    const order = await confirmedOrder();
    await deliver(stock, reserved(order.id));
    await deliver(
      payments,
      paymentEvent(
        order.id,
        "PaymentSucceeded",
        { amount: { amount: 2000, currency: "EUR" }, attempt: 1 },
        newId(),
      ),
    );
    expect((await readOrder(order.id)).status).toBe("PAYMENT_PENDING");
    const stranger = newId();
    await deliver(stock, reserved(stranger));
    await deliver(payments, succeeded(stranger, 1));
    await deliver(expiry, released(stranger));
  });

  it("refuses a malformed payload as a permanent error that says what is wrong; the order stays", async () => {
    const order = await confirmedOrder();
    const malformed = paymentEvent(order.id, "PaymentFailed", { attempt: "one" });
    const error = await deliverEvent(payments, malformed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentEventError);
    expect(String(error)).toMatch(/invalid payload[\s\S]*attempt/);
    expect((await readOrder(order.id)).status).toBe("CONFIRMED");
  });

  it("a returned or cancelled order becomes REFUNDED when its payment is refunded in full; partial, foreign and repeated refunds change nothing", async () => {
    const completed = (orderId: string, status: string, paymentId?: string) =>
      paymentEvent(
        orderId,
        "RefundCompleted",
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
    await deliver(payments, succeeded(order.id, 1));
    const move = (m: string, id = order.id) => ok(`mutation($id: ID!) { ${m} { id } }`, { id });
    await move("recordOrderShipment(orderId: $id)");
    await move("recordOrderDelivery(id: $id)");
    // A refund while DELIVERED (a goodwill gesture) is not the refund a return is waiting for.
    await deliver(payments, completed(order.id, "REFUNDED"));
    expect((await readOrder(order.id)).status).toBe("DELIVERED");
    await move("requestOrderReturn(id: $id)");
    await move("approveOrderReturn(id: $id)");
    await move("recordOrderReturn(id: $id)");
    await deliver(payments, completed(order.id, "PARTIALLY_REFUNDED"));
    await deliver(payments, completed(order.id, "REFUNDED", newId()));
    expect((await readOrder(order.id)).status).toBe("RETURNED");
    const full = completed(order.id, "REFUNDED");
    await deliver(payments, full);
    let now = await readOrder(order.id);
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
    await redeliver(payments, full);
    await deliver(payments, completed(order.id, "REFUNDED"));
    expect((await readOrder(order.id)).version).toBe(version);

    // A paid order cancelled: its refund completing ends it REFUNDED too.
    const cancelled = await confirmedOrder();
    await deliver(stock, reserved(cancelled.id));
    await deliver(payments, succeeded(cancelled.id, 1));
    await move("cancelOrder(id: $id)", cancelled.id);
    await deliver(payments, completed(cancelled.id, "REFUNDED"));
    now = await readOrder(cancelled.id);
    expect(types(now).slice(-2)).toEqual(["OrderCancelled", "OrderRefunded"]);
  });

  it("the same event delivered concurrently applies once: the inbox lets one delivery through", async () => {
    const order = await confirmedOrder();
    const e = reserved(order.id);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => deliverEvent(stock, e)));
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "skipped-duplicate")).toHaveLength(4);
    const now = await readOrder(order.id);
    expect(now.status).toBe("PAYMENT_PENDING");
    expect(types(now).filter((t) => t === "OrderPaymentPending")).toHaveLength(1);
  });

  it("reactions of different consumers racing on one order: one moves it, the others apply nothing or get CONFLICT and apply nothing on their retry", async () => {
    const round = async () => {
      const order = await confirmedOrder();
      const reactions: [Consumer, DomainEvent][] = [
        [stock, shortage(order.id)],
        [expiry, released(order.id)],
        [expiry, released(order.id)],
        [expiry, released(order.id)],
      ];
      const settled = await Promise.allSettled(reactions.map(([c, e]) => deliverEvent(c, e)));
      const conflicted = reactions.filter((_, i) => {
        const s = settled[i]!;
        if (s.status === "fulfilled") {
          expect(s.value).toBe("applied");
          return false;
        }
        expect(isDomainError(s.reason) && s.reason.code, String(s.reason)).toBe("CONFLICT");
        return true;
      });
      // The workers retry a CONFLICT: by then the order is cancelled and nothing changes.
      for (const [consumer, e] of conflicted) await deliver(consumer, e);
      const now = await readOrder(order.id);
      expect(now.status).toBe("CANCELLED");
      expect(types(now).filter((t) => t === "OrderCancelled")).toHaveLength(1);
      return { conflicts: conflicted.length, applied: reactions.length - conflicted.length };
    };
    const rounds = await raceUntil(round, (results) =>
      results.some((r) => r.conflicts > 0) ? [] : ["a reaction losing on the version guard"],
    );
    expect(rounds.every((r) => r.applied >= 1)).toBe(true);
  });
});
