import { describe, expect, it } from "vitest";
import type { InvoiceStatus } from "./invoice.ts";
import { heldAmount, invoiceSettlement, type PaymentHolding } from "./invoice-settlement.ts";

const invoice = (status: InvoiceStatus, total = 3_000, currency = "EUR") => ({
  status,
  currency,
  totals: { subtotal: total, tax: 0, total },
});
const payment = (captured: number, refunded = 0, currency = "EUR"): PaymentHolding => ({
  currency,
  captured,
  refunded,
});

describe("invoice settlement", () => {
  it("pays an ISSUED invoice once a captured payment covers its total", () => {
    expect(invoiceSettlement(invoice("ISSUED"), [payment(3_000)])).toBe("PAY");
    expect(invoiceSettlement(invoice("ISSUED"), [payment(5_000)])).toBe("PAY");
  });

  it("adds up the order's payments in the invoice's currency only", () => {
    expect(invoiceSettlement(invoice("ISSUED"), [payment(1_000), payment(2_000)])).toBe("PAY");
    expect(invoiceSettlement(invoice("ISSUED"), [payment(1_000), payment(2_000, 0, "USD")])).toBe(
      "NOT_COVERED",
    );
    expect(heldAmount([payment(1_000), payment(2_000, 0, "USD")], "USD")).toBe(2_000);
  });

  it("waits while nothing is captured (pending or failed payments, or none)", () => {
    expect(invoiceSettlement(invoice("ISSUED"), [])).toBe("NOT_COVERED");
    expect(invoiceSettlement(invoice("ISSUED"), [payment(0)])).toBe("NOT_COVERED");
    // Even a zero-total invoice needs a payment that captured something.
    expect(invoiceSettlement(invoice("ISSUED", 0), [payment(0)])).toBe("NOT_COVERED");
    expect(invoiceSettlement(invoice("ISSUED", 0), [payment(100)])).toBe("PAY");
  });

  it("counts requested and completed refunds as money given back", () => {
    expect(invoiceSettlement(invoice("ISSUED"), [payment(3_000, 1)])).toBe("NOT_COVERED");
    expect(invoiceSettlement(invoice("ISSUED", 2_000), [payment(3_000, 1_000)])).toBe("PAY");
    expect(invoiceSettlement(invoice("ISSUED"), [payment(3_000, 3_000)])).toBe("NOT_COVERED");
    // A refund larger than a payment's capture never makes another payment hold less.
    expect(heldAmount([payment(1_000, 5_000), payment(2_000)], "EUR")).toBe(2_000);
  });

  it("leaves a PAID invoice alone (repeats and refunds after payment change nothing)", () => {
    expect(invoiceSettlement(invoice("PAID"), [payment(3_000)])).toBe("ALREADY_PAID");
    expect(invoiceSettlement(invoice("PAID"), [payment(3_000, 3_000)])).toBe("ALREADY_PAID");
  });

  it("never pays a DRAFT or VOIDED invoice", () => {
    expect(invoiceSettlement(invoice("DRAFT"), [payment(3_000)])).toBe("NOT_ISSUED");
    expect(invoiceSettlement(invoice("VOIDED"), [payment(3_000)])).toBe("NOT_ISSUED");
  });
});
