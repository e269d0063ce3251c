import type { PaymentsContext } from "../context.ts";
import type { Invoice as InvoiceRow } from "../generated/prisma/client.ts";
import { toInvoice } from "../invoices/invoice.repository.ts";
import { moneyOf } from "./Payment.ts";

export const Invoice = {
  __resolveReference: (ref: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.invoice.load(ref.id),
  order: (i: InvoiceRow) => ({ __typename: "Order", id: i.orderId }),
  lines: (i: InvoiceRow) =>
    toInvoice(i).lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitPrice: moneyOf(l.unitPrice, i.currency),
      total: moneyOf(l.unitPrice * l.quantity, i.currency),
    })),
  subtotal: (i: InvoiceRow) => moneyOf(i.subtotal, i.currency),
  tax: (i: InvoiceRow) => moneyOf(i.tax, i.currency),
  total: (i: InvoiceRow) => moneyOf(i.total, i.currency),
};
