import type { Invoice } from "./invoice.ts";

/**
 * When an invoice counts as paid (pure; docs/payments.md, "When an invoice is paid"). There is no
 * payInvoice mutation: an ISSUED invoice becomes PAID by itself once its order's payments hold
 * the money (see invoice-settlement.consumer.ts for when this is asked).
 *
 * "Paid" means: at least one of the order's payments captured money, and what the order's
 * payments in the invoice's currency still hold — captured minus every refund requested or
 * completed (a refund promised back pays nothing) — covers the invoice total.
 *
 * Partial refunds therefore count like this:
 * - refunded before the invoice is issued: only what is left pays; if that no longer covers the
 *   total the invoice stays ISSUED (void it and issue a corrected one, which is then PAID at once);
 * - refunded after the invoice was PAID: it stays PAID. PAID is a fact about the past (the
 *   invoice was settled) and no transition leads back from it; the refund is money returned
 *   against a settled invoice, recorded on the payment.
 */

export interface PaymentHolding {
  currency: string;
  /** Captured by the provider (0 until the payment succeeds). */
  captured: number;
  /** Refunds requested or completed (not failed) against it. */
  refunded: number;
}

export type InvoiceSettlement =
  /** ISSUED and covered: mark it PAID. */
  | "PAY"
  /** Already PAID: a repeat or late event, nothing to do. */
  | "ALREADY_PAID"
  /** DRAFT or VOIDED: only an issued invoice can be paid. */
  | "NOT_ISSUED"
  /** ISSUED, but no captured payment, or what the payments hold is less than the total. */
  | "NOT_COVERED";

/** Money the payments hold in `currency`: captured minus refunds requested or completed. */
export function heldAmount(payments: readonly PaymentHolding[], currency: string): number {
  return payments
    .filter((p) => p.currency === currency)
    .reduce((sum, p) => sum + Math.max(0, p.captured - p.refunded), 0);
}

export function invoiceSettlement(
  invoice: Pick<Invoice, "status" | "currency" | "totals">,
  payments: readonly PaymentHolding[],
): InvoiceSettlement {
  if (invoice.status === "PAID") return "ALREADY_PAID";
  if (invoice.status !== "ISSUED") return "NOT_ISSUED";
  const captured = payments.some((p) => p.currency === invoice.currency && p.captured > 0);
  if (!captured || heldAmount(payments, invoice.currency) < invoice.totals.total) {
    return "NOT_COVERED";
  }
  return "PAY";
}
