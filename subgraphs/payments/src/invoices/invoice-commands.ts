import { changeAggregate, changeAggregateIn, createAggregate } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import type { PaymentsDeps, PaymentsTx } from "../context.ts";
import { holdingsOfOrder, insertInvoice, invoiceStore, lockInvoice } from "./invoice.repository.ts";
import {
  changeInvoiceStatus,
  draftInvoice,
  type Invoice,
  type InvoiceLine,
  newInvoiceNumber,
  payInvoice,
} from "./invoice.ts";
import { heldAmount, type InvoiceSettlement, invoiceSettlement } from "./invoice-settlement.ts";

/** Invoice numbers drawn again after a collision (1 in 4 billion) before giving up. */
const NUMBER_RETRIES = 3;

/**
 * Generates a DRAFT invoice for an order. At most one invoice per order is open (not voided),
 * enforced by a partial unique index (DUPLICATE); a number collision draws a new number.
 */
export async function generateInvoice(
  deps: PaymentsDeps,
  input: { orderId: string; currency: string; lines: InvoiceLine[]; taxRateBps?: number | null },
  metadata: EventMetadata,
): Promise<Invoice> {
  for (let attempt = 0; ; attempt++) {
    const decision = draftInvoice({ id: newId(), number: newInvoiceNumber(), ...input });
    try {
      return await createAggregate(
        deps,
        { entity: "invoice", insert: insertInvoice },
        () => decision,
        metadata,
      );
    } catch (error) {
      const fields = uniqueViolationFields(error);
      if (!fields) throw error;
      if (fields.some((f) => f.includes("number")) && attempt < NUMBER_RETRIES) continue;
      throw new DomainError(
        "DUPLICATE",
        `Order ${input.orderId} already has an open invoice; void it first`,
        {
          entity: "invoice",
          fields: [{ field: "orderId", message: "already has an open invoice" }],
        },
      );
    }
  }
}

/** issue / void (the mutations), guarded by the version: a concurrent change gives CONFLICT. */
export const changeInvoice = (
  deps: PaymentsDeps,
  id: string,
  action: "issue" | "void",
  metadata: EventMetadata,
): Promise<Invoice> =>
  changeAggregate(
    deps,
    invoiceStore,
    id,
    (invoice) => changeInvoiceStatus(invoice, action),
    metadata,
  );

/**
 * Marks an ISSUED invoice PAID when its order's payments hold its total (invoice-settlement.ts
 * says what counts), inside the caller's transaction (the settlement consumer's). The invoice is
 * `{ invoiceId }` or the open invoice of `{ orderId }`. Its row is locked first, so two
 * settlements of one invoice (a payment success and the issue racing each other) run one after
 * the other and the second finds it PAID: nothing happens, nothing fails. A DRAFT, VOIDED, PAID or
 * uncovered invoice, or none at all, is left as it is. Returns what was decided.
 */
export async function settleInvoice(
  tx: PaymentsTx,
  target: { invoiceId: string } | { orderId: string },
  metadata: EventMetadata,
  now: Date,
): Promise<{ invoice: Invoice | null; settlement: InvoiceSettlement | "NO_INVOICE" }> {
  const id = await lockInvoice(tx, target);
  if (!id) return { invoice: null, settlement: "NO_INVOICE" };
  let settlement: InvoiceSettlement = "NOT_ISSUED";
  const invoice = await changeAggregateIn(
    tx,
    invoiceStore,
    id,
    async (current) => {
      const holdings = await holdingsOfOrder(tx, current.orderId);
      settlement = invoiceSettlement(current, holdings);
      if (settlement !== "PAY") return { state: current, events: [] };
      const held = heldAmount(holdings, current.currency);
      return payInvoice(current, { amount: held, currency: current.currency });
    },
    metadata,
    now,
  );
  return { invoice, settlement };
}
