import { defaultMetadata, newId } from "@shopstream/outbox";
import { deliverEvent } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  checkoutIdempotencyKey,
  createCheckoutConsumer,
} from "../src/payments/checkout.consumer.ts";
import { initiatePayment } from "../src/payments/payment-commands.ts";
import { deps, eventsOf, orderEvent, prisma, raceUntilSeen } from "./payments.harness.ts";

const consumer = createCheckoutConsumer(prisma);

/** Ordering's OrderPaymentPending: the order's `version`-th event, naming the payment it chose. */
const paymentPending = (orderId: string, version: number, paymentId: string, amount = 4_200) =>
  orderEvent(orderId, "OrderPaymentPending", version, {
    previousStatus: "CONFIRMED",
    status: "PAYMENT_PENDING",
    paymentId,
    amount: { amount, currency: "EUR" },
  });

const checkoutInput = (orderId: string, amount = 4_200) => ({
  orderId,
  amount: { amount, currency: "EUR" },
  idempotencyKey: checkoutIdempotencyKey(orderId),
});

describe("payments.checkout: OrderPaymentPending → one payment per order (real PostgreSQL)", () => {
  it("initiates the payment with ordering's id, the grand total and the order-derived key; a redelivery changes nothing", async () => {
    const orderId = newId();
    const paymentId = newId();
    const e = paymentPending(orderId, 1, paymentId);
    expect(await deliverEvent(consumer, e)).toBe("applied");
    expect(await deliverEvent(consumer, e)).toBe("skipped-duplicate");
    // The retry's second OrderPaymentPending (another event, same payment) changes nothing either.
    expect(await deliverEvent(consumer, paymentPending(orderId, 2, paymentId))).toBe("applied");
    const rows = await prisma.payment.findMany({ where: { orderId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: paymentId,
      amount: 4_200,
      currency: "EUR",
      status: "PENDING",
      attempts: 1,
      idempotencyKey: `order:${orderId}:payment`,
    });
    const events = await eventsOf(paymentId);
    expect(events.map((x) => [x.eventType, x.aggregateVersion])).toEqual([["PaymentInitiated", 1]]);
    expect(events[0]!.payload).toMatchObject({
      paymentId,
      orderId,
      amount: { amount: 4_200, currency: "EUR" },
      attempt: 1,
    });
    expect(events[0]!.metadata).toMatchObject({ causationId: e.id, actor: "payments.checkout" });
  });

  it("creates exactly one payment when the event arrives ten times at once", async () => {
    const orderId = newId();
    const paymentId = newId();
    const e = paymentPending(orderId, 1, paymentId);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => deliverEvent(consumer, e)));
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "skipped-duplicate")).toHaveLength(9);
    expect(await prisma.payment.count({ where: { orderId } })).toBe(1);
    expect(await eventsOf(paymentId)).toHaveLength(1);
  });

  it("initiates once when ten initiations with one key run in callers' transactions at once", async () => {
    const orderId = newId();
    const paymentId = newId();
    const payments = await Promise.all(
      Array.from({ length: 10 }, () =>
        prisma.$transaction((tx) =>
          initiatePayment(deps, checkoutInput(orderId), defaultMetadata(), { tx, id: paymentId }),
        ),
      ),
    );
    expect(new Set(payments.map((p) => p.id))).toEqual(new Set([paymentId]));
    expect(await prisma.payment.count({ where: { orderId } })).toBe(1);
    expect(await eventsOf(paymentId)).toHaveLength(1);
  });

  it("races the initiatePayment mutation for the same key: still one payment, whichever wins", async () => {
    // The mutation needs fewer round trips than a delivery, so it starts a few later in some
    // rounds (0 to 5 queries later): each side gets its chance to go first.
    const lateBy = async (queries: number) => {
      for (let i = 0; i < queries; i++) await prisma.$queryRaw`SELECT 1`;
    };
    const tally = await raceUntilSeen(
      ["consumer first", "mutation first"],
      async (round) => {
        const orderId = newId();
        const paymentId = newId();
        const event = paymentPending(orderId, 1, paymentId);
        const [delivered] = await Promise.allSettled([
          deliverEvent(consumer, event),
          lateBy(round % 6).then(() =>
            initiatePayment(deps, checkoutInput(orderId), defaultMetadata()),
          ),
        ]);
        // A consumer transaction that lost to the mutation's insert is retried by the pipeline.
        if (delivered.status === "rejected") {
          expect(String(delivered.reason)).toMatch(/Unique|unique|P2002/);
          expect(await deliverEvent(consumer, event)).toBe("applied");
        }
        const rows = await prisma.payment.findMany({ where: { orderId } });
        expect(rows).toHaveLength(1);
        return rows[0]!.id === paymentId ? "consumer first" : "mutation first";
      },
      { min: 6, max: 30 },
    );
    expect(tally["consumer first"]).toBeGreaterThan(0);
    expect(tally["mutation first"]).toBeGreaterThan(0);
  });

  it("dead-letters an event without a valid amount, or whose key was used for another amount", async () => {
    const orderId = newId();
    const bad = paymentPending(orderId, 1, newId());
    bad.payload = { paymentId: newId() };
    await expect(deliverEvent(consumer, bad)).rejects.toMatchObject({
      name: "PermanentEventError",
      message: expect.stringMatching(/invalid payload[\s\S]*amount/),
    });
    expect(await deliverEvent(consumer, paymentPending(orderId, 1, newId(), 1_000))).toBe(
      "applied",
    );
    await expect(
      deliverEvent(consumer, paymentPending(orderId, 2, newId(), 2_000)),
    ).rejects.toMatchObject({
      name: "PermanentEventError",
      message: /DUPLICATE|different payment/,
    });
  });
});
