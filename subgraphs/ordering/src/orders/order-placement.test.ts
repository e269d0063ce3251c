import { codeOf, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { command, customer, variant } from "./order.fixtures.ts";
import { ORDER_EVENT_TYPES } from "./order-events.ts";
import { placeOrder, repeatPlacement } from "./order-placement.ts";
import type { LineRequest } from "./order-pricing.ts";
import { orderTotals } from "./order-totals.ts";

const line = (lineId: string, variantId: string, quantity = 1, discount?: number): LineRequest => ({
  lineId,
  variantId,
  quantity,
  ...(discount === undefined ? {} : { discount }),
});

/** The fields a placement of these lines is refused on. */
const refused = (lines: LineRequest[]) => fieldsOf(() => placeOrder(command({ lines })));

describe("placeOrder", () => {
  it("prices lines from the price view and computes integer totals", () => {
    const decision = placeOrder(
      command({
        lines: [
          { lineId: "l1", variantId: "v-a", quantity: 3, discount: 200 },
          { lineId: "l2", variantId: "v-b", quantity: 2 },
          { lineId: "l3", variantId: "v-c", quantity: 1, discount: 1 },
        ],
        coupon: { code: " save5 ", amount: 500 },
        shipping: 499,
        tax: 661,
      }),
    );
    // 3 × 1000 − 200 + 2 × 250 + 4999 − 1 = 8298; 8298 + 499 + 661 − 500 = 8958
    expect(decision.state.totals).toEqual({
      subtotal: 8_298,
      shipping: 499,
      tax: 661,
      discount: 500,
      grandTotal: 8_958,
    });
    expect(decision.state.lines.map((l) => l.unitPrice)).toEqual([1_000, 250, 4_999]);
    expect(decision.state).toMatchObject({
      status: "CREATED",
      currency: "EUR",
      coupon: { code: "SAVE5", amount: 500 },
      version: 1,
      idempotencyKey: "key-1",
    });
    expect(decision.events).toEqual([
      {
        type: "OrderPlaced",
        aggregateType: "Order",
        aggregateId: "order-1",
        aggregateVersion: 1,
        payload: expect.objectContaining({
          orderId: "order-1",
          customerId: "customer-1",
          status: "CREATED",
          currency: "EUR",
          totals: decision.state.totals,
          lines: decision.state.lines,
        }),
      },
    ]);
  });

  it("gives the customer's tier price", () => {
    const gold = placeOrder(command({ customer: { ...customer, tier: "PLATINUM" } }));
    expect(gold.state.lines[0]?.unitPrice).toBe(900);
  });

  it("caps the coupon at the subtotal, so the grand total is never negative", () => {
    const state = placeOrder(command({ coupon: { code: "BIG", amount: 1_000_000 } })).state;
    expect(state.totals).toMatchObject({ subtotal: 2_250, discount: 2_250, grandTotal: 700 });
  });

  it.each(["SUSPENDED", "CLOSED"] as const)("refuses a %s customer", (status) => {
    expect(codeOf(() => placeOrder(command({ customer: { ...customer, status } })))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });

  it("keeps one currency per order", () => {
    expect(refused([line("l1", "v-a"), line("l2", "v-usd")])).toEqual(["lines.1.variantId"]);
  });

  it("takes the currency from the first known variant when the first line's is unknown", () => {
    expect(refused([line("l0", "v-missing"), line("l1", "v-usd"), line("l2", "v-a")])).toEqual([
      "lines.0.variantId",
      "lines.2.variantId",
    ]);
  });

  it.each([0, 1_000, 1.5, -1])("rejects quantity %s", (quantity) => {
    expect(refused([line("l1", "v-a", quantity)])).toEqual(["lines.0.quantity"]);
  });

  it.each([1, 999])("accepts quantity %s", (quantity) => {
    const lines = [line("l1", "v-a", quantity)];
    expect(placeOrder(command({ lines })).state.totals.subtotal).toBe(quantity * 1_000);
  });

  it("names every offending field at once", () => {
    const fields = fieldsOf(() =>
      placeOrder(
        command({
          lines: [
            line("l1", "v-draft"),
            line("l2", "v-missing"),
            line("l3", "v-a", 1, 1_001),
            line("l4", "v-a"),
          ],
          shipping: -1,
          tax: 0.5,
          coupon: { code: "no spaces", amount: 0 },
          idempotencyKey: " ",
        }),
      ),
    );
    expect(fields).toEqual([
      "idempotencyKey",
      "shipping",
      "tax",
      "coupon.code",
      "coupon.amount",
      "lines.0.variantId",
      "lines.1.variantId",
      "lines.2.discount",
      "lines.3.variantId",
    ]);
  });

  it("rejects a line id used twice", () => {
    expect(refused([line("l1", "v-a"), line("l1", "v-b")])).toEqual(["lines.1.lineId"]);
  });

  it("rejects an order without lines", () => {
    expect(refused([])).toEqual(["lines"]);
  });

  it("rejects totals beyond the safe integer range", () => {
    const huge = variant("v-huge", Number.MAX_SAFE_INTEGER);
    const lines = [line("l1", "v-huge", 2)];
    expect(fieldsOf(() => placeOrder(command({ lines, variants: [huge] })))).toEqual(["lines"]);
  });

  it("returns the first order for a repeated key with the same request, DUPLICATE otherwise", () => {
    const first = placeOrder(command()).state;
    // New ids, same request: the same order.
    const again = command({ orderId: "order-2" });
    expect(repeatPlacement(first, again)).toBe(first);
    const other = command({ lines: [{ lineId: "line-a", variantId: "v-a", quantity: 3 }] });
    expect(codeOf(() => repeatPlacement(first, other))).toBe("DUPLICATE");
  });
});

describe("orderTotals", () => {
  it("is Σ unit price × qty − line discounts, plus shipping and tax, minus the discount", () => {
    const lines = [
      { id: "a", variantId: "a", quantity: 7, unitPrice: 333, discount: 31 },
      { id: "b", variantId: "b", quantity: 999, unitPrice: 1, discount: 0 },
    ];
    expect(orderTotals(lines, { code: "X", amount: 100 }, 0, 17)).toEqual({
      subtotal: 7 * 333 - 31 + 999,
      shipping: 0,
      tax: 17,
      discount: 100,
      grandTotal: 7 * 333 - 31 + 999 + 17 - 100,
    });
    expect(orderTotals([], null, 0, 0).grandTotal).toBe(0);
  });
});

it("declares exactly the 18 order event types", () => {
  expect(ORDER_EVENT_TYPES).toHaveLength(18);
});
