import { deliverEvent } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { createOrderReactionsConsumer } from "../src/payments/order-reactions.consumer.ts";
import {
  eventsOf,
  orderEvent,
  paymentFor,
  prisma,
  raceUntilSeen,
  refundsOf,
  reportSuccess,
} from "./payments.harness.ts";

const consumer = createOrderReactionsConsumer(prisma);
const deliver = (...args: Parameters<typeof orderEvent>) =>
  deliverEvent(consumer, orderEvent(...args));

describe("payments' reactions to order events (real PostgreSQL)", () => {
  it("refunds everything captured when a paid order is cancelled, once however often the event arrives", async () => {
    const payment = await paymentFor(undefined, 5_000);
    await reportSuccess(payment.id);
    const cancelled = orderEvent(payment.orderId, "OrderCancelled", 1, {
      refundRequired: true,
      refundAmount: { amount: 5_000, currency: "EUR" },
    });
    expect(await deliverEvent(consumer, cancelled)).toBe("applied");
    expect(await deliverEvent(consumer, cancelled)).toBe("skipped-duplicate");
    // Another cancellation of the same order reaches the handler and finds nothing left to refund.
    expect(await deliver(payment.orderId, "OrderCancelled", 2)).toBe("applied");
    expect((await refundsOf(payment.id)).map((r) => r.amount)).toEqual([5_000]);
  });

  it("refunds a payment that succeeds after its order was cancelled", async () => {
    const payment = await paymentFor(undefined, 5_000);
    await deliver(payment.orderId, "OrderCancelled", 1, { refundRequired: false });
    expect(await refundsOf(payment.id)).toEqual([]);
    await reportSuccess(payment.id);
    expect((await refundsOf(payment.id)).map((r) => r.amount)).toEqual([5_000]);
    expect((await eventsOf(payment.id)).map((e) => [e.eventType, e.aggregateVersion])).toEqual([
      ["PaymentInitiated", 1],
      ["PaymentSucceeded", 2],
      ["RefundRequested", 3],
    ]);
  });

  it("refunds exactly once when cancellation and the success webhook race (20 rounds)", async () => {
    // Which of the two refunded tells the interleaving: the cancellation (it saw the success) or
    // the webhook (it saw the cancellation).
    const tally = await raceUntilSeen(
      ["success first", "cancel first"],
      async (round) => {
        const amount = 1_000 + round;
        const payment = await paymentFor(undefined, amount);
        await Promise.all([
          deliver(payment.orderId, "OrderCancelled", 1, { refundRequired: false }),
          reportSuccess(payment.id),
        ]);
        const refunds = await refundsOf(payment.id);
        expect(refunds.map((r) => r.amount)).toEqual([amount]);
        expect(await prisma.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject(
          { captured: amount, refundReserved: amount },
        );
        return refunds[0]!.reason === "order cancelled" ? "success first" : "cancel first";
      },
      { min: 20, max: 60 },
    );
    expect(tally["success first"]).toBeGreaterThan(0);
    expect(tally["cancel first"]).toBeGreaterThan(0);
  });

  it("refunds the amount of a returned order, never more than was captured", async () => {
    const payment = await paymentFor(undefined, 2_000);
    await reportSuccess(payment.id);
    await deliver(payment.orderId, "OrderReturned", 1, {
      refundRequired: true,
      refundAmount: 1_500,
    });
    await deliver(payment.orderId, "OrderReturned", 2, {
      refundRequired: true,
      refundAmount: { amount: 1_500, currency: "EUR" },
    });
    expect((await refundsOf(payment.id)).map((r) => r.amount).sort()).toEqual([1_500, 500]);
  });

  it("dead-letters a return without a refund amount, and ignores one that needs no refund", async () => {
    const payment = await paymentFor(undefined, 2_000);
    await reportSuccess(payment.id);
    await expect(
      deliver(payment.orderId, "OrderReturned", 1, { refundRequired: true }),
    ).rejects.toMatchObject({ name: "PermanentEventError", message: /invalid payload/ });
    expect(await deliver(payment.orderId, "OrderReturned", 1, { refundRequired: false })).toBe(
      "applied",
    );
    expect(await refundsOf(payment.id)).toEqual([]);
  });

  it("stamps what it writes with the clock it was given", async () => {
    const at = new Date("2030-01-02T03:04:05.000Z");
    const clocked = createOrderReactionsConsumer(prisma, { now: () => at });
    const payment = await paymentFor(undefined, 700);
    await reportSuccess(payment.id);
    await deliverEvent(clocked, orderEvent(payment.orderId, "OrderCancelled", 1));
    expect((await refundsOf(payment.id)).map((r) => r.createdAt)).toEqual([at]);
    const refunded = (await eventsOf(payment.id)).at(-1);
    expect(refunded).toMatchObject({ eventType: "RefundRequested", occurredAt: at });
    expect(
      await prisma.cancelledOrder.findUniqueOrThrow({ where: { orderId: payment.orderId } }),
    ).toMatchObject({ cancelledAt: at });
  });
});
