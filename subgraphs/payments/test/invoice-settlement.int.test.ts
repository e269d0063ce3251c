import { type DomainEvent, defaultMetadata, type EventMetadata, newId } from "@shopstream/outbox";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createPaymentsPrisma } from "../src/db.ts";
import { changeInvoice, generateInvoice } from "../src/invoices/invoice-commands.ts";
import { createInvoiceSettlementConsumer } from "../src/invoices/invoice-settlement.consumer.ts";
import {
  applyProviderReport,
  initiatePayment,
  requestRefund,
} from "../src/payments/payment-commands.ts";

// The settlement consumer fed with the real events the commands wrote to the outbox, as the
// workers would deliver them — twice, late, and concurrently.

const prisma = createPaymentsPrisma(testDatabaseUrl("payments"), { poolSize: 20 });
const deps = { prisma };
const consumer = createInvoiceSettlementConsumer(prisma);
afterAll(() => prisma.$disconnect());

const deliver = (e: DomainEvent) => consumer.transaction((tx) => consumer.handlers[e.type]!(e, tx));

/** The latest event of `type` the aggregate wrote to the outbox, as the relay hands it on. */
async function outboxEvent(aggregateId: string, type: string): Promise<DomainEvent> {
  const row = await prisma.outbox.findFirstOrThrow({
    where: { aggregateId, eventType: type },
    orderBy: { aggregateVersion: "desc" },
  });
  return {
    id: row.eventId,
    type: row.eventType,
    schemaVersion: row.schemaVersion,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    aggregateVersion: row.aggregateVersion,
    occurredAt: row.occurredAt.toISOString(),
    payload: row.payload,
    metadata: row.metadata as unknown as EventMetadata,
  };
}

/** A payment of `amount` EUR for the order; `succeed` reports the provider's success. */
async function paymentFor(orderId: string, amount: number) {
  const payment = await initiatePayment(
    deps,
    { orderId, amount: { amount, currency: "EUR" }, idempotencyKey: unique("inv-pay") },
    defaultMetadata(),
  );
  const succeed = async () => {
    await applyProviderReport(
      deps,
      unique("wh"),
      { type: "payment.succeeded", paymentId: payment.id, attempt: 1 },
      defaultMetadata(),
    );
    return outboxEvent(payment.id, "PaymentSucceeded");
  };
  return { payment, succeed };
}

/** A DRAFT invoice of `total` EUR (one line, no tax); `issue` issues it. */
async function invoiceFor(orderId: string, total: number) {
  const invoice = await generateInvoice(
    prisma,
    { orderId, currency: "EUR", lines: [{ description: "Mug", quantity: 1, unitPrice: total }] },
    defaultMetadata(),
  );
  const issue = async () => {
    await changeInvoice(prisma, invoice.id, "issue", defaultMetadata());
    return outboxEvent(invoice.id, "InvoiceIssued");
  };
  return { invoice, issue };
}

const invoiceState = async (id: string) => {
  const row = await prisma.invoice.findUniqueOrThrow({ where: { id } });
  const events = await prisma.outbox.findMany({
    where: { aggregateId: id },
    orderBy: { aggregateVersion: "asc" },
  });
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
  it("payment first: the success finds a DRAFT invoice and waits; the issue then pays it; redeliveries change nothing", async () => {
    const orderId = newId();
    const { invoice, issue } = await invoiceFor(orderId, 2_500);
    const { succeed } = await paymentFor(orderId, 2_500);
    const succeeded = await succeed();
    await deliver(succeeded);
    expect((await invoiceState(invoice.id)).status).toBe("DRAFT");

    const issued = await issue();
    await deliver(issued);
    expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);

    // Duplicate and late deliveries of both facts.
    await deliver(issued);
    await deliver(succeeded);
    await deliver(issued);
    expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);
    const paid = await outboxEvent(invoice.id, "InvoicePaid");
    expect(paid.payload).toMatchObject({
      orderId,
      previousStatus: "ISSUED",
      status: "PAID",
      held: { amount: 2_500, currency: "EUR" },
    });
    expect(paid.metadata).toMatchObject({
      causationId: issued.id,
      actor: "payments.invoice-settlement",
    });
  });

  it("invoice first: the issue finds no captured payment and waits; the success then pays it; redeliveries change nothing", async () => {
    const orderId = newId();
    const { invoice, issue } = await invoiceFor(orderId, 4_000);
    const { succeed } = await paymentFor(orderId, 4_000);
    const issued = await issue();
    await deliver(issued);
    expect((await invoiceState(invoice.id)).status).toBe("ISSUED");

    const succeeded = await succeed();
    await deliver(succeeded);
    await deliver(succeeded);
    await deliver(issued);
    expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);
    expect((await outboxEvent(invoice.id, "InvoicePaid")).metadata.causationId).toBe(succeeded.id);
  });

  it("both facts delivered at once, twice each: paid exactly once (10 rounds)", async () => {
    for (let round = 0; round < 10; round++) {
      const orderId = newId();
      const { invoice, issue } = await invoiceFor(orderId, 1_000 + round);
      const { succeed } = await paymentFor(orderId, 1_000 + round);
      const [issued, succeeded] = await Promise.all([issue(), succeed()]);
      await Promise.all([deliver(issued), deliver(succeeded), deliver(succeeded), deliver(issued)]);
      expect(await invoiceState(invoice.id)).toEqual(PAID_ONCE);
    }
  });

  it("leaves a voided invoice alone, and waits while refunds leave less than the total; a corrected invoice is paid at issue", async () => {
    const orderId = newId();
    const { payment, succeed } = await paymentFor(orderId, 3_000);
    const succeeded = await succeed();
    await requestRefund(deps, payment.id, { amount: 1_000, reason: "damaged" }, defaultMetadata());

    const full = await invoiceFor(orderId, 3_000);
    await deliver(await full.issue());
    await deliver(succeeded);
    expect((await invoiceState(full.invoice.id)).status).toBe("ISSUED");

    await changeInvoice(prisma, full.invoice.id, "void", defaultMetadata());
    await deliver(await outboxEvent(full.invoice.id, "InvoiceIssued"));
    expect((await invoiceState(full.invoice.id)).status).toBe("VOIDED");

    const corrected = await invoiceFor(orderId, 2_000);
    await deliver(succeeded);
    expect((await invoiceState(corrected.invoice.id)).status).toBe("DRAFT");
    await deliver(await corrected.issue());
    expect(await invoiceState(corrected.invoice.id)).toEqual(PAID_ONCE);

    // A refund after payment does not take the PAID back.
    await requestRefund(deps, payment.id, { amount: 2_000, reason: "returned" }, defaultMetadata());
    await deliver(succeeded);
    expect(await invoiceState(corrected.invoice.id)).toEqual(PAID_ONCE);
  });
});
