import { randomBytes } from "node:crypto";
import { DomainError, type FieldError } from "@shopstream/errors";

/**
 * Pure domain for invoices (DOMAIN.md): number `INV-` + 8 uppercase hex, lines of description,
 * quantity and unit price, tax, totals in integer minor units; DRAFT → ISSUED → PAID, or VOIDED.
 */

export const INVOICE_STATUSES = ["DRAFT", "ISSUED", "PAID", "VOIDED"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceLine {
  description: string;
  quantity: number;
  unitPrice: number;
}

export interface InvoiceTotals {
  subtotal: number;
  tax: number;
  total: number;
}

export interface Invoice {
  id: string;
  number: string;
  orderId: string;
  currency: string;
  lines: InvoiceLine[];
  /** Tax rate in basis points (2000 = 20 %). */
  taxRateBps: number;
  totals: InvoiceTotals;
  status: InvoiceStatus;
  version: number;
}

export const INVOICE_NUMBER = /^INV-[0-9A-F]{8}$/;

/** A fresh invoice number; uniqueness is the database's job (a collision retries). */
export function newInvoiceNumber(random: (n: number) => Buffer = randomBytes): string {
  return `INV-${random(4).toString("hex").toUpperCase()}`;
}

/**
 * Totals in minor units. Tax is rounded half-up once on the subtotal (not per line), so the
 * invoice total equals subtotal + tax exactly.
 */
export function invoiceTotals(lines: InvoiceLine[], taxRateBps: number): InvoiceTotals {
  const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
  const tax = Math.floor((subtotal * taxRateBps + 5_000) / 10_000);
  return { subtotal, tax, total: subtotal + tax };
}

export function validateLines(lines: InvoiceLine[], taxRateBps: number): FieldError[] {
  const problems: FieldError[] = [];
  if (lines.length === 0)
    problems.push({ field: "lines", message: "must contain at least one line" });
  lines.forEach((l, i) => {
    if (l.description.trim().length === 0 || l.description.length > 255) {
      problems.push({
        field: `lines.${i}.description`,
        message: "is required (at most 255 characters)",
      });
    }
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 1) {
      problems.push({
        field: `lines.${i}.quantity`,
        message: "must be a whole number, at least 1",
      });
    }
    if (!Number.isSafeInteger(l.unitPrice) || l.unitPrice < 0) {
      problems.push({
        field: `lines.${i}.unitPrice`,
        message: "must be a whole number of minor units, at least 0",
      });
    }
  });
  if (!Number.isSafeInteger(taxRateBps) || taxRateBps < 0 || taxRateBps > 10_000) {
    problems.push({ field: "taxRateBps", message: "must be between 0 and 10000 basis points" });
  }
  return problems;
}

const TRANSITIONS: Record<string, { from: InvoiceStatus[]; to: InvoiceStatus }> = {
  issue: { from: ["DRAFT"], to: "ISSUED" },
  pay: { from: ["ISSUED"], to: "PAID" },
  void: { from: ["DRAFT", "ISSUED"], to: "VOIDED" },
};

/** issue / pay / void; anything else is INVALID_STATE_TRANSITION. */
export function transitionInvoice(invoice: Invoice, action: keyof typeof TRANSITIONS): Invoice {
  const rule = TRANSITIONS[action]!;
  if (!rule.from.includes(invoice.status))
    throw DomainError.invalidTransition("invoice", invoice.status, action);
  return { ...invoice, status: rule.to, version: invoice.version + 1 };
}
