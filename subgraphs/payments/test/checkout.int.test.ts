import { type DomainEvent, defaultMetadata, newId } from "@shopstream/outbox";
import { testDatabaseUrl } from "@shopstream/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createPaymentsPrisma } from "../src/db.ts";
import { createCheckoutConsumer } from "../src/payments/checkout.consumer.ts";
import { initiatePayment } from "../src/payments/payment-commands.ts";

const prisma = createPaymentsPrisma(testDatabaseUrl("payments"), { poolSize: 20 });
const consumer = createCheckoutConsumer(prisma);
afterAll(() => prisma.$disconnect());

const paymentPending = (orderId: string, paymentId: string, amount = 4_200): DomainEvent => ({
  id: newId(),
  type: "OrderPaymentPending",
  schemaVersion: 1,
  aggregateType: "Order",
  aggregateId: orderId,
  aggregateVersion: 3,
  occurredAt: new Date().toISOString(),
  payload: {
    previousStatus: "CONFIRMED",
    status: "PAYMENT_PENDING",
    paymentId,
    amount: { amount, currency: "EUR" },
  },
  metadata: defaultMetadata({ actor: "test" }),
});

const react = (event: DomainEvent) =>
  consumer.transaction((tx) => consumer.handlers[event.type]!(event, tx));

const outboxOf = (paymentId: string) =>
  prisma.outbox.findMany({
    where: { aggregateId: paymentId },
    orderBy: { aggregateVersion: "asc" },
  });

describe("payments.checkout: OrderPaymentPending → one payment per order (real PostgreSQL)", () => {
  it("initiates the payment with ordering's id, the grand total and the order-derived key; a redelivery changes nothing", async () => {
    const orderId = newId();
    const paymentId = newId();
    const e = paymentPending(orderId, paymentId);
    await react(e);
    await react(e);
    // The retry's second OrderPaymentPending (another event, same payment) changes nothing either.
    await react(paymentPending(orderId, paymentId));
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
    const events = await outboxOf(paymentId);
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
    const e = paymentPending(orderId, paymentId);
    await Promise.all(Array.from({ length: 10 }, () => react(e)));
    expect(await prisma.payment.count({ where: { orderId } })).toBe(1);
    expect(await outboxOf(paymentId)).toHaveLength(1);
  });

  it("races the initiatePayment mutation for the same key: still one payment", async () => {
    const orderId = newId();
    const paymentId = newId();
    const results = await Promise.allSettled([
      ...Array.from({ length: 5 }, () => react(paymentPending(orderId, paymentId))),
      initiatePayment(
        { prisma },
        {
          orderId,
          amount: { amount: 4_200, currency: "EUR" },
          idempotencyKey: `order:${orderId}:payment`,
        },
        defaultMetadata(),
      ),
    ]);
    // A consumer transaction that lost to the mutation's insert is retried by the pipeline.
    for (const r of results.filter((x) => x.status === "rejected")) {
      await react(paymentPending(orderId, paymentId));
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/Unique|unique|P2002/);
    }
    expect(await prisma.payment.count({ where: { orderId } })).toBe(1);
  });

  it("dead-letters an event without a valid amount, or whose key was used for another amount", async () => {
    const orderId = newId();
    const bad = paymentPending(orderId, newId());
    bad.payload = { paymentId: newId() };
    await expect(react(bad)).rejects.toThrow(/PermanentEventError|needs paymentId/);
    await react(paymentPending(orderId, newId(), 1_000));
    await expect(react(paymentPending(orderId, newId(), 2_000))).rejects.toMatchObject({
      name: "PermanentEventError",
    });
  });
});
