import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { isCurrency } from "@shopstream/money";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import type { PaymentsPrisma } from "../db.ts";
import {
  type Invoice,
  type InvoiceLine,
  invoiceTotals,
  newInvoiceNumber,
  transitionInvoice,
  validateLines,
} from "./invoice.ts";

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

/** issue / pay / void with optimistic concurrency: a concurrent change gives CONFLICT. */
export async function changeInvoice(
  prisma: PaymentsPrisma,
  id: string,
  action: keyof typeof EVENT_OF,
  metadata: EventMetadata,
): Promise<Invoice> {
  const now = new Date();
  return prisma.$transaction(async (tx) => {
    const row = await tx.invoice.findUnique({ where: { id } });
    if (!row) throw DomainError.notFound("invoice", id);
    const before = toInvoice(row);
    const after = transitionInvoice(before, action);
    const { count } = await tx.invoice.updateMany({
      where: { id, version: before.version },
      data: { status: after.status, version: after.version, updatedAt: now },
    });
    if (count !== 1) throw DomainError.conflict("invoice", id);
    await appendToOutbox(tx, [
      toEnvelope(
        {
          type: EVENT_OF[action],
          aggregateType: "Invoice",
          aggregateId: id,
          aggregateVersion: after.version,
          payload: {
            invoiceId: id,
            number: after.number,
            orderId: after.orderId,
            previousStatus: before.status,
            status: after.status,
          },
        },
        metadata,
        now,
      ),
    ]);
    return after;
  });
}
