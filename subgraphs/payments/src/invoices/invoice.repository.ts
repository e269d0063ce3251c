import type { AggregateStore } from "@shopstream/commands";
import type { PaymentsTx } from "../context.ts";
import type { PaymentsDb, PaymentsPrisma } from "../db.ts";
import type { Invoice, InvoiceLine } from "./invoice.ts";
import type { PaymentHolding } from "./invoice-settlement.ts";

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

export async function findInvoice(db: PaymentsDb, id: string): Promise<Invoice | null> {
  const row = await db.invoice.findUnique({ where: { id } });
  return row ? toInvoice(row) : null;
}

export async function insertInvoice(tx: PaymentsDb, invoice: Invoice, now: Date): Promise<void> {
  await tx.invoice.create({
    data: {
      id: invoice.id,
      number: invoice.number,
      orderId: invoice.orderId,
      currency: invoice.currency,
      lines: invoice.lines as unknown as object,
      taxRateBps: invoice.taxRateBps,
      ...invoice.totals,
      status: invoice.status,
      version: invoice.version,
      createdAt: now,
      updatedAt: now,
    },
  });
}

/**
 * Writes a transition guarded by the loaded version: a concurrent change that committed first
 * matches no row (false, which the command answers as CONFLICT), never a lost update.
 */
export async function saveInvoice(
  tx: PaymentsDb,
  loaded: Invoice,
  next: Invoice,
  now: Date,
): Promise<boolean> {
  const guard = { id: loaded.id, version: loaded.version };
  const data = { status: next.status, version: next.version, updatedAt: now };
  return (await tx.invoice.updateMany({ where: guard, data })).count === 1;
}

// Named as the policy table's NOT_FOUND for another customer's invoice names it.
export const invoiceStore: AggregateStore<Invoice, PaymentsTx> = {
  entity: "Invoice",
  load: findInvoice,
  save: saveInvoice,
};

/**
 * Locks the invoice `{ invoiceId }`, or the open one of `{ orderId }`, until the transaction
 * ends; its id, or null when there is none. A concurrent void that commits while we wait for the
 * lock drops the row from the result: PostgreSQL re-checks the WHERE clause on its newest version.
 */
export async function lockInvoice(
  tx: PaymentsDb,
  target: { invoiceId: string } | { orderId: string },
): Promise<string | null> {
  const locked =
    "invoiceId" in target
      ? await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM invoice WHERE id = ${target.invoiceId}::uuid FOR UPDATE`
      : await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM invoice WHERE order_id = ${target.orderId}::uuid AND status <> 'VOIDED'
          FOR UPDATE`;
  return locked[0]?.id ?? null;
}

/** What each of the order's payments holds (captured, and refunds requested or completed). */
export async function holdingsOfOrder(db: PaymentsDb, orderId: string): Promise<PaymentHolding[]> {
  const payments = await db.payment.findMany({
    where: { orderId },
    select: { currency: true, captured: true, refundReserved: true },
  });
  return payments.map((p) => ({
    currency: p.currency,
    captured: p.captured,
    refunded: p.refundReserved,
  }));
}
