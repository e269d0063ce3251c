import { randomBytes } from "node:crypto";
import type { Decision } from "@shopstream/commands";
import { DomainError, type FieldError } from "@shopstream/errors";
import { isCurrency, type Money } from "@shopstream/money";
import type { NewEvent } from "@shopstream/outbox";
import { requiredText, throwIfAny } from "@shopstream/rules";

/**
 * The Invoice aggregate's rules (docs/payments.md, "Invoice"): number `INV-` + 8 uppercase hex,
 * lines of description, quantity and unit price, tax, totals in integer minor units;
 * DRAFT → ISSUED → PAID, or VOIDED; and the events each decision raises. Pure.
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
    const description = requiredText(l.description, 255);
    if (description) problems.push({ field: `lines.${i}.description`, message: description });
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

export type InvoiceEvent = NewEvent<string, Record<string, unknown>>;
export type InvoiceDecision = Decision<Invoice, InvoiceEvent>;

const event = (invoice: Invoice, type: string, payload: Record<string, unknown>): InvoiceEvent => ({
  type,
  aggregateType: "Invoice",
  aggregateId: invoice.id,
  aggregateVersion: invoice.version,
  payload: { invoiceId: invoice.id, number: invoice.number, orderId: invoice.orderId, ...payload },
});

/**
 * A new DRAFT invoice (InvoiceGenerated), or VALIDATION_FAILED naming every bad field. Line
 * descriptions are stored trimmed; a missing tax rate is 0.
 */
export function draftInvoice(input: {
  id: string;
  number: string;
  orderId: string;
  currency: string;
  lines: InvoiceLine[];
  taxRateBps?: number | null;
}): InvoiceDecision {
  const taxRateBps = input.taxRateBps ?? 0;
  const problems = validateLines(input.lines, taxRateBps);
  if (!isCurrency(input.currency))
    problems.push({ field: "currency", message: "must be an ISO 4217 code" });
  throwIfAny(problems);
  const lines = input.lines.map((l) => ({
    description: l.description.trim(),
    quantity: l.quantity,
    unitPrice: l.unitPrice,
  }));
  const totals = invoiceTotals(lines, taxRateBps);
  const invoice: Invoice = {
    id: input.id,
    number: input.number,
    orderId: input.orderId,
    currency: input.currency,
    lines,
    taxRateBps,
    totals,
    status: "DRAFT",
    version: 1,
  };
  return {
    state: invoice,
    events: [event(invoice, "InvoiceGenerated", { currency: invoice.currency, ...totals })],
  };
}

const TRANSITIONS = {
  issue: { from: ["DRAFT"], to: "ISSUED", event: "InvoiceIssued" },
  pay: { from: ["ISSUED"], to: "PAID", event: "InvoicePaid" },
  void: { from: ["DRAFT", "ISSUED"], to: "VOIDED", event: "InvoiceVoided" },
} as const satisfies Record<string, { from: InvoiceStatus[]; to: InvoiceStatus; event: string }>;

export type InvoiceAction = keyof typeof TRANSITIONS;

/** issue / pay / void; anything else is INVALID_STATE_TRANSITION. */
export function transitionInvoice(invoice: Invoice, action: InvoiceAction): Invoice {
  const rule = TRANSITIONS[action];
  if (!(rule.from as readonly InvoiceStatus[]).includes(invoice.status))
    throw DomainError.invalidTransition("invoice", invoice.status, action);
  return { ...invoice, status: rule.to, version: invoice.version + 1 };
}

/** One transition and its event (InvoiceIssued, InvoicePaid, InvoiceVoided). */
export function changeInvoiceStatus(
  invoice: Invoice,
  action: InvoiceAction,
  extra: Record<string, unknown> = {},
): InvoiceDecision {
  const state = transitionInvoice(invoice, action);
  const payload = { previousStatus: invoice.status, status: state.status, ...extra };
  return { state, events: [event(state, TRANSITIONS[action].event, payload)] };
}

/** ISSUED → PAID, recording what the order's payments held when it was settled. */
export const payInvoice = (invoice: Invoice, held: Money): InvoiceDecision =>
  changeInvoiceStatus(invoice, "pay", { held });
