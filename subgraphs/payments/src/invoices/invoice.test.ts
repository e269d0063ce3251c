import { codeOf, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import {
  changeInvoiceStatus,
  draftInvoice,
  INVOICE_NUMBER,
  type Invoice,
  type InvoiceLine,
  type InvoiceStatus,
  invoiceTotals,
  newInvoiceNumber,
  payInvoice,
  transitionInvoice,
  validateLines,
} from "./invoice.ts";

const draft: Invoice = {
  id: "inv-1",
  number: "INV-0A1B2C3D",
  orderId: "o-1",
  currency: "EUR",
  lines: [{ description: "Mug", quantity: 3, unitPrice: 1_299 }],
  taxRateBps: 2_000,
  totals: invoiceTotals([{ description: "Mug", quantity: 3, unitPrice: 1_299 }], 2_000),
  status: "DRAFT",
  version: 1,
};

describe("invoice", () => {
  it("numbers invoices INV- plus 8 uppercase hex digits", () => {
    expect(newInvoiceNumber()).toMatch(INVOICE_NUMBER);
    expect(newInvoiceNumber(() => Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe("INV-DEADBEEF");
  });

  it("computes integer totals with tax rounded half-up once", () => {
    expect(invoiceTotals([{ description: "a", quantity: 3, unitPrice: 1_299 }], 2_000)).toEqual({
      subtotal: 3_897,
      tax: 779,
      total: 4_676,
    });
    expect(invoiceTotals([{ description: "a", quantity: 1, unitPrice: 5 }], 1_000)).toEqual({
      subtotal: 5,
      tax: 1,
      total: 6,
    });
    expect(invoiceTotals([{ description: "a", quantity: 1, unitPrice: 4 }], 1_000)).toEqual({
      subtotal: 4,
      tax: 0,
      total: 4,
    });
  });

  it("names every bad line field", () => {
    expect(
      validateLines([{ description: "", quantity: 0, unitPrice: 1.5 }], 20_000).map((p) => p.field),
    ).toEqual(["lines.0.description", "lines.0.quantity", "lines.0.unitPrice", "taxRateBps"]);
    expect(validateLines([], 0).map((p) => p.field)).toEqual(["lines"]);
  });

  const table: [
    InvoiceStatus,
    "issue" | "pay" | "void",
    InvoiceStatus | "INVALID_STATE_TRANSITION",
  ][] = [
    ["DRAFT", "issue", "ISSUED"],
    ["DRAFT", "pay", "INVALID_STATE_TRANSITION"],
    ["DRAFT", "void", "VOIDED"],
    ["ISSUED", "issue", "INVALID_STATE_TRANSITION"],
    ["ISSUED", "pay", "PAID"],
    ["ISSUED", "void", "VOIDED"],
    ["PAID", "issue", "INVALID_STATE_TRANSITION"],
    ["PAID", "pay", "INVALID_STATE_TRANSITION"],
    ["PAID", "void", "INVALID_STATE_TRANSITION"],
    ["VOIDED", "issue", "INVALID_STATE_TRANSITION"],
    ["VOIDED", "pay", "INVALID_STATE_TRANSITION"],
    ["VOIDED", "void", "INVALID_STATE_TRANSITION"],
  ];
  it.each(table)("%s --%s--> %s", (from, action, expected) => {
    const invoice = { ...draft, status: from };
    if (expected === "INVALID_STATE_TRANSITION") {
      expect(codeOf(() => transitionInvoice(invoice, action))).toBe(expected);
    } else {
      expect(transitionInvoice(invoice, action)).toMatchObject({ status: expected, version: 2 });
    }
  });

  const drafted = (line: Partial<InvoiceLine>, currency = "EUR") =>
    draftInvoice({
      id: "inv-2",
      number: "INV-00000001",
      orderId: "o-1",
      currency,
      lines: [{ description: "Mug", quantity: 2, unitPrice: 500, ...line }],
    });

  it("drafts an invoice with trimmed lines and raises InvoiceGenerated with its totals", () => {
    const { state, events } = drafted({ description: "  Mug " });
    expect(state).toMatchObject({ status: "DRAFT", version: 1, taxRateBps: 0 });
    expect(state.lines).toEqual([{ description: "Mug", quantity: 2, unitPrice: 500 }]);
    expect(events).toEqual([
      {
        type: "InvoiceGenerated",
        aggregateType: "Invoice",
        aggregateId: "inv-2",
        aggregateVersion: 1,
        payload: {
          invoiceId: "inv-2",
          number: "INV-00000001",
          orderId: "o-1",
          currency: "EUR",
          subtotal: 1_000,
          tax: 0,
          total: 1_000,
        },
      },
    ]);
  });

  it("names every bad field of a new invoice, the currency last; descriptions are measured trimmed", () => {
    expect(fieldsOf(() => drafted({ description: " ", quantity: 0 }, "eur"))).toEqual([
      "lines.0.description",
      "lines.0.quantity",
      "currency",
    ]);
    const long = drafted({ description: ` ${"d".repeat(255)} ` }).state;
    expect(long.lines[0]?.description).toHaveLength(255);
    expect(fieldsOf(() => drafted({ description: "d".repeat(256) }))).toEqual([
      "lines.0.description",
    ]);
  });

  it("raises one event per transition, with the status before and after", () => {
    const issued = changeInvoiceStatus(draft, "issue");
    expect(issued.events[0]).toMatchObject({
      type: "InvoiceIssued",
      aggregateVersion: 2,
      payload: { invoiceId: "inv-1", previousStatus: "DRAFT", status: "ISSUED" },
    });
    expect(changeInvoiceStatus(issued.state, "void").events[0]?.type).toBe("InvoiceVoided");
    const paid = payInvoice(issued.state, { amount: 4_676, currency: "EUR" });
    expect(paid.events[0]).toMatchObject({
      type: "InvoicePaid",
      aggregateVersion: 3,
      payload: { previousStatus: "ISSUED", status: "PAID", held: { amount: 4_676 } },
    });
  });
});
