import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { isCurrency } from "@shopstream/money";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import type { PaymentsDb, PaymentsPrisma } from "../db.ts";
import {
  type Invoice,
  type InvoiceLine,
  invoiceTotals,
  newInvoiceNumber,
  transitionInvoice,
  validateLines,
} from "./invoice.ts";
import { heldAmount, type InvoiceSettlement, invoiceSettlement } from "./invoice-settlement.ts";

type InvoiceRow = Awaited<ReturnType<PaymentsPrisma["invoice"]["findUniqueOrThrow"]>>;

export const toInvoice = (r: InvoiceRow): Invoice => ({
  id: r.id,
  number: r.number,
  orderId: r.orderId,
  currency: r.currency,
  lines: r.lines as unknown as InvoiceLine[],
  taxRateBps: r.taxRateBps,
  totals: { subtotal: r.subtotal, tax: r.tax, total: r.total },
  status: r.status,
  version: r.version,
});

/**
 * Generates a DRAFT invoice for an order. At most one invoice per order is open (not voided),
 * enforced by a partial unique index; a number collision (1 in 4 billion) draws a new number.
 */
export async function generateInvoice(
  prisma: PaymentsPrisma,
  input: { orderId: string; currency: string; lines: InvoiceLine[]; taxRateBps?: number | null },
  metadata: EventMetadata,
): Promise<Invoice> {
  const taxRateBps = input.taxRateBps ?? 0;
  const problems = validateLines(input.lines, taxRateBps);
  if (!isCurrency(input.currency))
    problems.push({ field: "currency", message: "must be an ISO 4217 code" });
  if (problems.length > 0) throw DomainError.validation(problems);
  const totals = invoiceTotals(input.lines, taxRateBps);
  for (let attempt = 0; ; attempt++) {
    const now = new Date();
    const invoice: Invoice = {
      id: newId(),
      number: newInvoiceNumber(),
      orderId: input.orderId,
      currency: input.currency,
      lines: input.lines.map((l) => ({
        description: l.description.trim(),
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
      taxRateBps,
      totals,
      status: "DRAFT",
      version: 1,
    };
    try {
      await prisma.$transaction(async (tx) => {
        await tx.invoice.create({
          data: {
            id: invoice.id,
            number: invoice.number,
            orderId: invoice.orderId,
            currency: invoice.currency,
            lines: invoice.lines as unknown as object,
            taxRateBps,
            ...totals,
            status: "DRAFT",
            version: 1,
            createdAt: now,
            updatedAt: now,
          },
        });
        await appendToOutbox(tx, [
          toEnvelope(
            {
              type: "InvoiceGenerated",
              aggregateType: "Invoice",
              aggregateId: invoice.id,
              aggregateVersion: 1,
              payload: {
                invoiceId: invoice.id,
                number: invoice.number,
                orderId: invoice.orderId,
                currency: invoice.currency,
                ...totals,
              },
            },
            metadata,
            now,
          ),
        ]);
      });
      return invoice;
    } catch (error) {
      const fields = uniqueViolationFields(error);
      if (!fields) throw error;
      if (fields.some((f) => f.includes("number")) && attempt < 3) continue;
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

const EVENT_OF = { issue: "InvoiceIssued", pay: "InvoicePaid", void: "InvoiceVoided" } as const;
type InvoiceAction = keyof typeof EVENT_OF;

/**
 * Saves one transition of a loaded invoice in `tx`: the update is guarded by the loaded version
 * (a concurrent change that committed first matches no row: CONFLICT, never a lost update) and
 * the event goes to the outbox in the same transaction.
 */
async function saveTransition(
  tx: PaymentsDb,
  before: Invoice,
  action: InvoiceAction,
  metadata: EventMetadata,
  now: Date,
  extra: Record<string, unknown> = {},
): Promise<Invoice> {
  const after = transitionInvoice(before, action);
  const { count } = await tx.invoice.updateMany({
    where: { id: before.id, version: before.version },
    data: { status: after.status, version: after.version, updatedAt: now },
  });
  if (count !== 1) throw DomainError.conflict("invoice", before.id);
  await appendToOutbox(tx, [
    toEnvelope(
      {
        type: EVENT_OF[action],
        aggregateType: "Invoice",
        aggregateId: before.id,
        aggregateVersion: after.version,
        payload: {
          invoiceId: before.id,
          number: after.number,
          orderId: after.orderId,
          previousStatus: before.status,
          status: after.status,
          ...extra,
        },
      },
      metadata,
      now,
    ),
  ]);
  return after;
}

/** issue / void (the mutations) with optimistic concurrency: a concurrent change gives CONFLICT. */
export async function changeInvoice(
  prisma: PaymentsPrisma,
  id: string,
  action: Exclude<InvoiceAction, "pay">,
  metadata: EventMetadata,
): Promise<Invoice> {
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const row = await tx.invoice.findUnique({ where: { id } });
    if (!row) throw DomainError.notFound("invoice", id);
    return saveTransition(tx, toInvoice(row), action, metadata, now);
  });
}

/**
 * Marks an ISSUED invoice PAID when its order's payments hold its total (invoice-settlement.ts
 * says what counts), inside the caller's transaction (the settlement consumer's). The invoice is
 * `{ invoiceId }` or the open invoice of `{ orderId }`. Its row is locked first, so two
 * settlements of one invoice (a payment success and the issue racing each other) run one after
 * the other and the second finds it PAID: nothing happens, nothing fails. A DRAFT, VOIDED, PAID or
 * uncovered invoice, or none at all, is left as it is. Returns what was decided.
 */
export async function settleInvoice(
  tx: PaymentsDb,
  target: { invoiceId: string } | { orderId: string },
  metadata: EventMetadata,
  now: Date = new Date(),
): Promise<{ invoice: Invoice | null; settlement: InvoiceSettlement | "NO_INVOICE" }> {
  // A concurrent void that commits while we wait for the lock drops the row from the result:
  // PostgreSQL re-checks the WHERE clause on the row's newest version.
  const locked =
    "invoiceId" in target
      ? await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM invoice WHERE id = ${target.invoiceId}::uuid FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM invoice WHERE order_id = ${target.orderId}::uuid AND status <> 'VOIDED'
          FOR UPDATE`;
  const id = locked[0]?.id;
  if (!id) return { invoice: null, settlement: "NO_INVOICE" };
  const invoice = toInvoice(await tx.invoice.findUniqueOrThrow({ where: { id } }));
  const payments = await tx.payment.findMany({
    where: { orderId: invoice.orderId },
    select: { currency: true, captured: true, refundReserved: true },
  });
  const holdings = payments.map((p) => ({
    currency: p.currency,
    captured: p.captured,
    refunded: p.refundReserved,
  }));
  const settlement = invoiceSettlement(invoice, holdings);
  if (settlement !== "PAY") return { invoice, settlement };
  const paid = await saveTransition(tx, invoice, "pay", metadata, now, {
    held: { amount: heldAmount(holdings, invoice.currency), currency: invoice.currency },
  });
  return { invoice: paid, settlement };
}
