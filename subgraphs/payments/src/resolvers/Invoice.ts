import type { PaymentsContext } from "../context.ts";
import type { InvoiceLine } from "../invoices/invoice.ts";

interface InvoiceRow {
  orderId: string;
  currency: string;
  lines: unknown;
  subtotal: number;
  tax: number;
  total: number;
}

const money = (amount: number, currency: string) => ({ amount, currency });

export const Invoice = {
  __resolveReference: (ref: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.invoice.load(ref.id),
  order: (i: InvoiceRow) => ({ __typename: "Order", id: i.orderId }),
  lines: (i: InvoiceRow) =>
    (i.lines as InvoiceLine[]).map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitPrice: money(l.unitPrice, i.currency),
      total: money(l.unitPrice * l.quantity, i.currency),
    })),
  subtotal: (i: InvoiceRow) => money(i.subtotal, i.currency),
  tax: (i: InvoiceRow) => money(i.tax, i.currency),
  total: (i: InvoiceRow) => money(i.total, i.currency),
};
