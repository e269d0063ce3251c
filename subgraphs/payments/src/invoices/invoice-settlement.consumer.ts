import { nowOf } from "@shopstream/commands";
import { defineConsumer, parsePayload } from "@shopstream/events";
import { causedBy } from "@shopstream/outbox";
import { z } from "zod";
import type { PaymentsTx } from "../context.ts";
import type { PaymentsPrisma } from "../db.ts";
import { type ConsumerOptions, uuid } from "../shared/payloads.ts";
import { settleInvoice } from "./invoice-commands.ts";

const NAME = "payments.invoice-settlement";

const paymentSucceeded = z.object({ orderId: uuid });
const invoiceIssued = z.object({ invoiceId: uuid });

/**
 * ISSUED → PAID, the one way an invoice is paid (there is no payInvoice mutation; see
 * docs/payments.md, "When an invoice is paid"). Payments follows its own events, since the two
 * facts that settle an invoice can arrive in either order:
 *
 * - PaymentSucceeded: the order's open invoice, if ISSUED and now covered, becomes PAID;
 * - InvoiceIssued: the invoice, if its order's payments already cover it, becomes PAID.
 *
 * Each handler reads the other fact's committed state after its own fact committed, so whichever
 * runs second sees both: an invoice is never left ISSUED when both facts happened. If both see
 * both, the invoice's row lock (settleInvoice) lets the first pay and the second find it PAID. A
 * repeat or late event (an invoice already PAID, voided, or not yet issued) changes nothing.
 */
export function createInvoiceSettlementConsumer(
  prisma: PaymentsPrisma,
  opts: ConsumerOptions = {},
) {
  return defineConsumer<PaymentsTx>({
    name: NAME,
    source: "payments",
    aggregateTypes: ["Payment", "Invoice"],
    handlers: {
      PaymentSucceeded: async (e, tx) => {
        const { orderId } = parsePayload(paymentSucceeded, e);
        await settleInvoice(tx, { orderId }, causedBy(e, NAME), nowOf(opts));
      },
      InvoiceIssued: async (e, tx) => {
        const { invoiceId } = parsePayload(invoiceIssued, e);
        await settleInvoice(tx, { invoiceId }, causedBy(e, NAME), nowOf(opts));
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
