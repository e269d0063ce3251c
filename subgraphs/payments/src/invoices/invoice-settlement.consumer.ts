import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent, EventMetadata } from "@shopstream/outbox";
import type { PaymentsPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { settleInvoice } from "./invoice-commands.ts";

const NAME = "payments.invoice-settlement";

const metadataOf = (e: DomainEvent): EventMetadata => ({
  correlationId: e.metadata.correlationId,
  causationId: e.id,
  idempotencyKey: null,
  actor: NAME,
});

/**
 * ISSUED → PAID, the one way an invoice is paid (DOMAIN.md has no payInvoice mutation). Payments
 * follows its own events, since the two facts that settle an invoice can arrive in either order:
 *
 * - PaymentSucceeded: the order's open invoice, if ISSUED and now covered, becomes PAID;
 * - InvoiceIssued: the invoice, if its order's payments already cover it, becomes PAID.
 *
 * Each handler reads the other fact's committed state after its own fact committed, so whichever
 * runs second sees both: an invoice is never left ISSUED when both facts happened. If both see
 * both, the invoice's row lock (settleInvoice) lets the first pay and the second find it PAID. A
 * repeat or late event (an invoice already PAID, voided, or not yet issued) changes nothing.
 */
export function createInvoiceSettlementConsumer(prisma: PaymentsPrisma) {
  return defineConsumer<Prisma.TransactionClient>({
    name: NAME,
    source: "payments",
    aggregateTypes: ["Payment", "Invoice"],
    handlers: {
      PaymentSucceeded: async (e, tx) => {
        const orderId = (e.payload as { orderId?: unknown } | null)?.orderId;
        if (typeof orderId !== "string") {
          throw new PermanentEventError(`PaymentSucceeded ${e.id} has no orderId`);
        }
        await settleInvoice(tx, { orderId }, metadataOf(e));
      },
      InvoiceIssued: async (e, tx) => {
        await settleInvoice(tx, { invoiceId: e.aggregateId }, metadataOf(e));
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}
