import { type DomainEvent, defaultMetadata, newId } from "@shopstream/outbox";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createPaymentsPrisma } from "../src/db.ts";
import { createOrderReactionsConsumer } from "../src/payments/order-reactions.consumer.ts";
import { applyProviderReport, initiatePayment } from "../src/payments/payment-commands.ts";

const prisma = createPaymentsPrisma(testDatabaseUrl("payments"), { poolSize: 20 });
const deps = { prisma };
const consumer = createOrderReactionsConsumer(prisma);
afterAll(() => prisma.$disconnect());

const orderEvent = (
  orderId: string,
  type: string,
  payload: Record<string, unknown> = {},
): DomainEvent => ({
  id: newId(),
  type,
  schemaVersion: 1,
  aggregateType: "Order",
  aggregateId: orderId,
  aggregateVersion: 5,
  occurredAt: new Date().toISOString(),
  payload: { orderId, ...payload },
  metadata: defaultMetadata({ actor: "test" }),
});

const react = (event: DomainEvent) =>
  consumer.transaction((tx) => consumer.handlers[event.type]!(event, tx));
const succeed = (paymentId: string) =>
  applyProviderReport(
    deps,
    unique("wh"),
    { type: "payment.succeeded", paymentId, attempt: 1 },
    defaultMetadata(),
  );

async function paymentFor(orderId: string, amount = 5_000) {
  return initiatePayment(
    deps,
    { orderId, amount: { amount, currency: "EUR" }, idempotencyKey: unique("saga") },
    defaultMetadata(),
  );
}

const refundsOf = (paymentId: string) => prisma.refund.findMany({ where: { paymentId } });

describe("payments' reactions to order events (real PostgreSQL)", () => {
  it("refunds everything captured when a paid order is cancelled, once however often the event arrives", async () => {
    const orderId = newId();
    const payment = await paymentFor(orderId);
    await succeed(payment.id);
    const cancelled = orderEvent(orderId, "OrderCancelled", {
      refundRequired: true,
      refundAmount: 5_000,
    });
    await react(cancelled);
    await react(cancelled);
    expect((await refundsOf(payment.id)).map((r) => r.amount)).toEqual([5_000]);
  });

  it("refunds a payment that succeeds after its order was cancelled", async () => {
    const orderId = newId();
    const payment = await paymentFor(orderId);
    await react(orderEvent(orderId, "OrderCancelled", { refundRequired: false, refundAmount: 0 }));
    expect(await refundsOf(payment.id)).toEqual([]);
    await succeed(payment.id);
    expect((await refundsOf(payment.id)).map((r) => r.amount)).toEqual([5_000]);
    const events = await prisma.outbox.findMany({
      where: { aggregateId: payment.id },
      orderBy: { aggregateVersion: "asc" },
    });
    expect(events.map((e) => [e.eventType, e.aggregateVersion])).toEqual([
      ["PaymentInitiated", 1],
      ["PaymentSucceeded", 2],
      ["RefundRequested", 3],
    ]);
  });

  it("refunds exactly once when cancellation and the success webhook race (20 rounds)", async () => {
    for (let round = 0; round < 20; round++) {
      const orderId = newId();
      const payment = await paymentFor(orderId, 1_000 + round);
      await Promise.all([
        react(orderEvent(orderId, "OrderCancelled", { refundRequired: false })),
        succeed(payment.id),
      ]);
      const refunds = await refundsOf(payment.id);
      expect(refunds.map((r) => r.amount)).toEqual([1_000 + round]);
      expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
        captured: 1_000 + round,
        refundReserved: 1_000 + round,
      });
    }
  });

  it("refunds the amount of a returned order, never more than was captured", async () => {
    const orderId = newId();
    const payment = await paymentFor(orderId, 2_000);
    await succeed(payment.id);
    await react(
      orderEvent(orderId, "OrderReturned", { refundRequired: true, refundAmount: 1_500 }),
    );
    await react(
      orderEvent(orderId, "OrderReturned", {
        refundRequired: true,
        refundAmount: { amount: 1_500, currency: "EUR" },
      }),
    );
    expect((await refundsOf(payment.id)).map((r) => r.amount).sort()).toEqual([1_500, 500]);
  });
});
