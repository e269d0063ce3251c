import { newId } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { e2eShop, pollUntil } from "@shopstream/testing/e2e-shop";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { MAX_ROUNDS, raceUntilSeen, type Tally } from "./race-rounds.ts";
import {
  closeStackAccess,
  deliverAgain,
  outboxEvents,
  postProviderReport,
} from "./stack-access.ts";

// Duplicate delivery, from docs/architecture.md, "Race scenarios": whatever is delivered twice, or
// late, takes effect once.
//
// Through the running stack, on orders that went all the way through the checkout saga: real
// events (read back from the outboxes) are put on their consumers' queues again as new BullMQ
// jobs — so BullMQ's job-id de-duplication is out of play — long after their first delivery, and
// the provider's webhooks are posted again, signed with the stack's secret. Every one of them must
// change nothing: the same statuses, versions, timelines, reservations, stock levels, and not one
// new event in any context's outbox (no new event means no effect can follow later either).
// And a webhook posted several times at once, racing its own first delivery: rounds are run until
// one of the copies has won that race at least once (so the others raced a delivery in flight).

afterAll(closeStackAccess);

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
// Fulfilment confirms orders and reads every order and stock item.
const fulfilment = shop.as("fulfilment");

interface Snapshot {
  order: {
    status: string;
    version: number;
    timeline: { id: string; type: string }[];
    reservations: { id: string; status: string; quantity: number; version: number }[];
    payments: {
      id: string;
      status: string;
      attempts: number;
      version: number;
      refunds: { id: string; status: string; amount: { amount: number } }[];
    }[];
  };
  stockItem: { onHand: number; reserved: number; available: number; version: number };
  outbox: Record<string, number>;
}

/** Everything a duplicate could have changed, through the API, plus each outbox's rows. */
async function snapshot(orderId: string, stockItemId: string): Promise<Snapshot> {
  const read = await fulfilment.ok<Omit<Snapshot, "outbox">>(
    `query($o: ID!, $s: ID!) {
      order(id: $o) {
        status version timeline { id type }
        reservations { id status quantity version }
        payments { id status attempts version refunds { id status amount { amount } } }
      }
      stockItem(id: $s) { onHand reserved available version }
    }`,
    { o: orderId, s: stockItemId },
  );
  const rows = async (context: Parameters<typeof outboxEvents>[0], id: string) =>
    (await outboxEvents(context, id)).length;
  const outbox: Record<string, number> = {
    "ordering Order": await rows("ordering", orderId),
    "inventory OrderStock": await rows("inventory", orderId),
    "inventory StockItem": await rows("inventory", stockItemId),
  };
  for (const r of read.order.reservations)
    outbox[`inventory Reservation ${r.id}`] = await rows("inventory", r.id);
  for (const p of read.order.payments)
    outbox[`payments Payment ${p.id}`] = await rows("payments", p.id);
  return { ...read, outbox };
}

/** The one event of `type` an aggregate committed. */
async function theEvent(
  context: Parameters<typeof outboxEvents>[0],
  aggregateId: string,
  type: string,
) {
  const events = await outboxEvents(context, aggregateId, type);
  expect(events, `${type} of ${aggregateId}`).toHaveLength(1);
  return events[0]!;
}

const paid = { orderId: "", stockItemId: "", paymentId: "" };
const refunded = { orderId: "", stockItemId: "", paymentId: "" };

beforeAll(async () => {
  // Two orders through the saga to PAID; the second is then cancelled and refunded.
  const tag = unique("DUP").toUpperCase();
  const customerId = await shop.registerCustomer(tag);
  const variantId = await shop.activeVariant(tag, 2_000);
  const { stockItemId } = await shop.stock(variantId, 10);
  const orders = await Promise.all(
    [2, 3].map((quantity) => shop.placeOrder(customerId, [{ variantId, quantity }])),
  );
  for (const o of orders) {
    await shop.scriptPayment({ orderId: o.id }, [{ outcome: "succeed" }]);
    await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id: o.id });
  }
  const SEL = "id status reservations { status } payments { id status }";
  type Read = {
    id: string;
    status: string;
    reservations: { status: string }[];
    payments: { id: string; status: string }[];
  };
  const ids = orders.map((o) => o.id);
  await shop.ordersUntil<Read>(
    ids,
    SEL,
    (o) => o.status === "PAID" && o.reservations[0]?.status === "CONFIRMED",
  );
  await shop
    .asCustomer(customerId)
    .ok(`mutation($id: ID!) { cancelOrder(id: $id, reason: "duplicates test") { id } }`, {
      id: ids[1],
    });
  const [first, second] = await shop.ordersUntil<Read>(
    ids,
    SEL,
    (o) =>
      o.id === ids[0] ||
      (o.payments[0]?.status === "REFUNDED" && o.reservations[0]?.status === "RELEASED"),
  );
  Object.assign(paid, { orderId: first!.id, stockItemId, paymentId: first!.payments[0]!.id });
  Object.assign(refunded, { orderId: second!.id, stockItemId, paymentId: second!.payments[0]!.id });
}, 60_000);

describe("race: duplicate delivery", () => {
  it("events delivered again, late, to each consumer that applied them change nothing", async () => {
    const before = await snapshot(paid.orderId, paid.stockItemId);
    const beforeRefunded = await snapshot(refunded.orderId, refunded.stockItemId);
    const redeliveries: [string, Parameters<typeof outboxEvents>[0], string, string][] = [
      // [consumer, context, aggregate, event type]
      ["inventory.order-stock", "ordering", paid.orderId, "OrderConfirmed"], // no second reservation
      ["inventory.order-stock", "ordering", paid.orderId, "OrderPaid"],
      ["payments.checkout", "ordering", paid.orderId, "OrderPaymentPending"], // no second payment
      ["ordering.checkout-saga", "inventory", paid.orderId, "OrderStockReserved"],
      ["ordering.payment-outcomes", "payments", paid.paymentId, "PaymentSucceeded"], // one OrderPaid
      ["payments.provider-dispatch", "payments", paid.paymentId, "PaymentInitiated"], // no 2nd charge
      ["inventory.order-stock", "ordering", refunded.orderId, "OrderCancelled"], // no 2nd release
      ["payments.order-reactions", "ordering", refunded.orderId, "OrderCancelled"], // no 2nd refund
    ];
    const outcomes: string[] = [];
    for (const [consumer, context, aggregateId, type] of redeliveries) {
      const event = await theEvent(context, aggregateId, type);
      outcomes.push(`${type} → ${consumer}: ${await deliverAgain(consumer, event)}`);
    }
    console.log(`redelivered:\n  ${outcomes.join("\n  ")}`);
    // Each was recognised as already applied (the consumer's inbox), not applied again…
    for (const o of outcomes) expect(o).toMatch(/: skipped-duplicate$/);
    // …and nothing changed anywhere.
    expect(await snapshot(paid.orderId, paid.stockItemId)).toEqual(before);
    expect(await snapshot(refunded.orderId, refunded.stockItemId)).toEqual(beforeRefunded);
    expect(before.order.timeline.filter((e) => e.type === "OrderPaid")).toHaveLength(1);
    expect(before.order.reservations).toHaveLength(1);
    expect(before.order.payments).toHaveLength(1);
    expect(beforeRefunded.order.reservations.map((r) => r.status)).toEqual(["RELEASED"]);
    expect(beforeRefunded.order.payments[0]!.refunds).toHaveLength(1);
  });

  it("the provider's webhooks posted again, and a late failure after PAID, change nothing", async () => {
    const payments = inject("serviceUrls").payments!;
    const before = await snapshot(paid.orderId, paid.stockItemId);
    const beforeRefunded = await snapshot(refunded.orderId, refunded.stockItemId);

    // The success report exactly as the provider sent it: its delivery id is the causation of
    // the PaymentSucceeded event it produced.
    const succeeded = await theEvent("payments", paid.paymentId, "PaymentSucceeded");
    const report = {
      id: succeeded.metadata.causationId!,
      type: "payment.succeeded" as const,
      paymentId: paid.paymentId,
      attempt: succeeded.payload.attempt as number,
    };
    const again = await postProviderReport(payments, report);
    expect(again).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
    // The same report under a new delivery id (a provider re-sending it as a new webhook).
    expect((await postProviderReport(payments, { ...report, id: newId() })).status).toBe(200);
    // A failure for the same attempt arriving after the payment succeeded: late.
    const late = await postProviderReport(payments, {
      id: newId(),
      type: "payment.failed",
      paymentId: paid.paymentId,
      attempt: report.attempt,
      reason: "card declined (late)",
    });
    expect(late.status).toBe(200);
    // The cancelled order's success and refund reports again.
    for (const [type, event] of [
      ["payment.succeeded", await theEvent("payments", refunded.paymentId, "PaymentSucceeded")],
      ["refund.completed", await theEvent("payments", refunded.paymentId, "RefundCompleted")],
    ] as const) {
      const body =
        type === "payment.succeeded"
          ? {
              id: event.metadata.causationId!,
              type,
              paymentId: refunded.paymentId,
              attempt: event.payload.attempt as number,
            }
          : {
              id: event.metadata.causationId!,
              type,
              paymentId: refunded.paymentId,
              refundId: event.payload.refundId as string,
            };
      const res = await postProviderReport(payments, body);
      expect(res, type).toEqual({ status: 200, body: { received: true, outcome: "duplicate" } });
      // Under a new delivery id: a success must not refund the cancelled order a second time,
      // a refund report must not complete anything again.
      expect((await postProviderReport(payments, { ...body, id: newId() })).status, type).toBe(200);
    }

    expect(await snapshot(paid.orderId, paid.stockItemId)).toEqual(before);
    expect(await snapshot(refunded.orderId, refunded.stockItemId)).toEqual(beforeRefunded);
    expect(before.order.status).toBe("PAID");
    expect(before.order.payments[0]).toMatchObject({ status: "SUCCEEDED", refunds: [] });
  });

  it(
    "the provider's success webhook delivered several times at once, racing its own first delivery, is applied once",
    async () => {
      await raceUntilSeen(
        "concurrent copies of the success webhook",
        ["copy applied"],
        webhookRound,
      );
    },
    MAX_ROUNDS * 15_000,
  );
});

/**
 * One round: an order of its own whose held success report is released while three copies of it
 * are posted; its tally says whether a copy was applied (beating the provider's own delivery).
 */
async function webhookRound(): Promise<Tally> {
  const payments = inject("serviceUrls").payments!;
  const tag = unique("DUPHOOK").toUpperCase();
  const customerId = await shop.registerCustomer(tag);
  const variantId = await shop.activeVariant(tag, 700);
  const { stockItemId } = await shop.stock(variantId, 1);
  const { id: orderId } = await shop.placeOrder(customerId, [{ variantId, quantity: 1 }]);
  await shop.scriptPayment({ orderId }, [{ outcome: "succeed", hold: true }]);
  await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id: orderId });
  await shop.orderUntil<{ status: string }>(
    orderId,
    "status",
    (o) => o.status === "PAYMENT_PENDING",
  );
  const [held] = await pollUntil(
    "the held report",
    () => shop.heldReports({ orderId }),
    (reports) => reports.length > 0,
  );
  expect(held!.type).toBe("payment.succeeded");

  // The provider's own delivery and three copies of it, all at once.
  const [released, ...copies] = await Promise.all([
    shop.releaseReports({ orderId }),
    ...[1, 2, 3].map(() =>
      postProviderReport(payments, held as Parameters<typeof postProviderReport>[1]),
    ),
  ]);
  expect(released).toEqual([200]);
  const outcomes = copies.map((c) => c.body.outcome);
  expect(copies.map((c) => c.status)).toEqual([200, 200, 200]);
  // One of the four was applied (the provider's, or one copy), every other was a duplicate.
  expect(outcomes.filter((o) => o === "applied").length).toBeLessThanOrEqual(1);
  expect(outcomes.filter((o) => o !== "applied" && o !== "duplicate")).toEqual([]);

  const end = await shop.orderUntil<{
    status: string;
    timeline: { type: string }[];
    reservations: { status: string }[];
    payments: { id: string; status: string; captured: { amount: number } }[];
  }>(
    orderId,
    "status timeline { type } reservations { status } payments { id status captured { amount } }",
    (o) => o.status === "PAID" && o.reservations[0]?.status === "CONFIRMED",
  );
  expect(end.timeline.filter((e) => e.type === "OrderPaid")).toHaveLength(1);
  expect(end.payments).toEqual([
    { id: held!.paymentId, status: "SUCCEEDED", captured: { amount: 700 } },
  ]);
  expect((await outboxEvents("payments", held!.paymentId)).map((e) => e.type)).toEqual([
    "PaymentInitiated",
    "PaymentSucceeded",
  ]);
  const { stockItem } = await fulfilment.ok<{ stockItem: { reserved: number; available: number } }>(
    `query($id: ID!) { stockItem(id: $id) { reserved available } }`,
    { id: stockItemId },
  );
  expect(stockItem).toEqual({ reserved: 1, available: 0 });
  const applied = outcomes.filter((o) => o === "applied").length;
  return { "copy applied": applied, "copy duplicate": outcomes.length - applied };
}
