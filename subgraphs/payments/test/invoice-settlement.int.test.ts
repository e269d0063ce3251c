import { defaultMetadata, newId } from "@shopstream/outbox";
import { deliverEvents } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { changeInvoice, generateInvoice } from "../src/invoices/invoice-commands.ts";
import { createInvoiceSettlementConsumer } from "../src/invoices/invoice-settlement.consumer.ts";
import { requestRefund } from "../src/payments/payment-commands.ts";
import {
  deps,
  eventsOf,
  outboxEvent,
  outboxEvents,
  paymentFor,
  prisma,
  raceUntilSeen,
  reportSuccess,
} from "./payments.harness.ts";

// The settlement consumer fed, through the real inbox path, with the events the commands wrote to
// the outbox, as the workers deliver them: each aggregate's events in order — again, late, and
// concurrently.

const consumer = createInvoiceSettlementConsumer(prisma);

/** Delivers every event the aggregate has written so far (those delivered before are skipped). */
const deliverOutbox = async (aggregateId: string) =>
  deliverEvents(consumer, await outboxEvents(aggregateId));

/** A captured payment of `amount` EUR for the order. */
async function capturedPayment(orderId: string, amount: number) {
  const payment = await paymentFor(orderId, amount);
  await reportSuccess(payment.id);
  return payment;
}

/** A DRAFT invoice of `total` EUR (one line, no tax). */
const invoiceFor = (orderId: string, total: number) =>
  generateInvoice(
    deps,
    { orderId, currency: "EUR", lines: [{ description: "Mug", quantity: 1, unitPrice: total }] },
    defaultMetadata(),
  );

const change = (id: string, action: "issue" | "void") =>
  changeInvoice(deps, id, action, defaultMetadata());

const invoiceState = async (id: string) => {
  const row = await prisma.invoice.findUniqueOrThrow({ where: { id } });
  const events = await eventsOf(id);
  return {
    status: row.status,
    version: row.version,
    events: events.map((e) => [e.eventType, e.aggregateVersion]),
  };
};

const PAID_ONCE = {
  status: "PAID",
  version: 3,
  events: [
    ["InvoiceGenerated", 1],
    ["InvoiceIssued", 2],
    ["InvoicePaid", 3],
  ],
};

describe("invoice settlement: ISSUED → PAID once the order's payment succeeded (real PostgreSQL)", () => {
  it("payment first: the success finds a DRAFT invoice and waits; the issue then pays it; repeats and later payments change nothing", async () => {
    const orderId = newId();
    const invoice = await invoiceFor(orderId, 2_500);
    const payment = await capturedPayment(orderId, 2_500);
    expect(await deliverOutbox(payment.id)).toEqual(["skipped-unhandled", "applied"]);
    expect((await invoiceState(invoice.id)).status).toBe("DRAFT");

    await change(invoice.id, "issue");
    expect(await deliverOutbox(invoice.id)).toEqual(["skipped-unhandled", "applied"]);
    expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);

    // Redeliveries stop at the inbox (InvoicePaid, new, has no handler); a later payment's
    // success finds the invoice PAID.
    expect(await deliverOutbox(invoice.id)).toEqual([
      "skipped-duplicate",
      "skipped-duplicate",
      "skipped-unhandled",
    ]);
    expect(await deliverOutbox(payment.id)).toEqual(Array(2).fill("skipped-duplicate"));
    const another = await capturedPayment(orderId, 100);
    expect(await deliverOutbox(another.id)).toEqual(["skipped-unhandled", "applied"]);
    expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);

    const paid = await outboxEvent(invoice.id, "InvoicePaid");
    expect(paid.payload).toMatchObject({
      orderId,
      previousStatus: "ISSUED",
      status: "PAID",
      held: { amount: 2_500, currency: "EUR" },
    });
    expect(paid.metadata).toMatchObject({
      causationId: (await outboxEvent(invoice.id, "InvoiceIssued")).id,
      actor: "payments.invoice-settlement",
    });
  });

  it("invoice first: the issue finds no captured payment and waits; the success then pays it; repeats change nothing", async () => {
    const orderId = newId();
    const invoice = await invoiceFor(orderId, 4_000);
    const payment = await paymentFor(orderId, 4_000);
    await change(invoice.id, "issue");
    await deliverOutbox(invoice.id);
    await deliverOutbox(payment.id);
    expect((await invoiceState(invoice.id)).status).toBe("ISSUED");

    await reportSuccess(payment.id);
    expect(await deliverOutbox(payment.id)).toEqual(["skipped-duplicate", "applied"]);
    await deliverOutbox(payment.id);
    await deliverOutbox(invoice.id);
    expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);
    expect((await outboxEvent(invoice.id, "InvoicePaid")).metadata.causationId).toBe(
      (await outboxEvent(payment.id, "PaymentSucceeded")).id,
    );
  });

  it("both facts at once, each delivered twice: paid exactly once, by whichever handler ran second", async () => {
    const tally = await raceUntilSeen(
      ["paid by the success", "paid by the issue"],
      async (round) => {
        const orderId = newId();
        const invoice = await invoiceFor(orderId, 1_000 + round);
        const payment = await paymentFor(orderId, 1_000 + round);
        await Promise.all([change(invoice.id, "issue"), reportSuccess(payment.id)]);
        await Promise.all([
          deliverOutbox(invoice.id),
          deliverOutbox(payment.id),
          deliverOutbox(payment.id),
          deliverOutbox(invoice.id),
        ]);
        expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);
        const cause = (await outboxEvent(invoice.id, "InvoicePaid")).metadata.causationId;
        return cause === (await outboxEvent(payment.id, "PaymentSucceeded")).id
          ? "paid by the success"
          : "paid by the issue";
      },
      { min: 10, max: 40 },
    );
    expect(tally["paid by the success"]).toBeGreaterThan(0);
    expect(tally["paid by the issue"]).toBeGreaterThan(0);
  });

  it("leaves a voided invoice alone, even when its issue arrives after the void", async () => {
    const orderId = newId();
    await deliverOutbox((await capturedPayment(orderId, 3_000)).id);
    const invoice = await invoiceFor(orderId, 3_000);
    await change(invoice.id, "issue");
    await change(invoice.id, "void");
    expect(await deliverOutbox(invoice.id)).toEqual([
      "skipped-unhandled",
      "applied",
      "skipped-unhandled",
    ]);
    expect((await invoiceState(invoice.id)).status).toBe("VOIDED");
  });

  it("waits while refunds leave less than the total; a corrected invoice is paid at issue, and a later refund leaves it PAID", async () => {
    const orderId = newId();
    const payment = await capturedPayment(orderId, 3_000);
    await requestRefund(deps, payment.id, { amount: 1_000, reason: "damaged" }, defaultMetadata());
    await deliverOutbox(payment.id);

    const full = await invoiceFor(orderId, 3_000);
    await change(full.id, "issue");
    await deliverOutbox(full.id);
    expect((await invoiceState(full.id)).status).toBe("ISSUED");

    await change(full.id, "void");
    const corrected = await invoiceFor(orderId, 2_000);
    await change(corrected.id, "issue");
    await deliverOutbox(corrected.id);
    expect(await invoiceState(corrected.id)).toEqual(PAID_ONCE);

    // A refund after payment does not take the PAID back, nor does a success handled after it.
    await requestRefund(deps, payment.id, { amount: 2_000, reason: "returned" }, defaultMetadata());
    await deliverOutbox(payment.id);
    await deliverOutbox((await capturedPayment(orderId, 100)).id);
    expect(await invoiceState(corrected.id)).toEqual(PAID_ONCE);
  });

  it("stamps InvoicePaid and the invoice with the clock it was given", async () => {
    const at = new Date("2030-01-02T03:04:05.000Z");
    const clocked = createInvoiceSettlementConsumer(prisma, { now: () => at });
    const orderId = newId();
    const invoice = await invoiceFor(orderId, 900);
    await deliverOutbox((await capturedPayment(orderId, 900)).id);
    await change(invoice.id, "issue");
    expect(await deliverEvents(clocked, await outboxEvents(invoice.id))).toEqual([
      "skipped-unhandled",
      "applied",
    ]);
    expect((await eventsOf(invoice.id)).at(-1)).toMatchObject({
      eventType: "InvoicePaid",
      occurredAt: at,
    });
    expect(await prisma.invoice.findUniqueOrThrow({ where: { id: invoice.id } })).toMatchObject({
      status: "PAID",
      updatedAt: at,
    });
  });
});
