import { codeOf, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import type { VariantPrice } from "../pricing/price-view.ts";
import { placed, variant, variants } from "./order.fixtures.ts";
import {
  addOrderItem,
  applyOrderCoupon,
  removeOrderItem,
  updateOrderItemQuantity,
} from "./order-lines.ts";

const vD = variant("v-d", 4_000, { tierPrices: [{ tier: "SILVER", amount: 3_500 }] });
const addD = (quantity = 2) =>
  addOrderItem(placed, { lineId: "line-d", variantId: "v-d", quantity }, vD, "SILVER");

describe("editing lines while CREATED", () => {
  it("adds a line priced for the tier, with totals before and after", () => {
    const decision = addD();
    expect(decision.state.lines.at(-1)).toEqual({
      id: "line-d",
      variantId: "v-d",
      quantity: 2,
      unitPrice: 3_500,
      discount: 0,
    });
    expect(decision.state.totals.subtotal).toBe(2_250 + 7_000);
    expect(decision.state.version).toBe(2);
    expect(decision.events[0]).toMatchObject({
      type: "OrderItemAdded",
      aggregateVersion: 2,
      payload: {
        line: { id: "line-d", unitPrice: 3_500 },
        previousTotals: { subtotal: 2_250, grandTotal: 2_950 },
        totals: { subtotal: 9_250, grandTotal: 9_950 },
      },
    });
  });

  it("rejects a variant already on the order, a used line id, other currencies and bad quantities", () => {
    /** The fields adding one unit of `variant` (under `variantId`) as `lineId` is refused on. */
    const refused = (variantId: string, variant: VariantPrice | undefined, lineId = "line-x") =>
      fieldsOf(() => addOrderItem(placed, { lineId, variantId, quantity: 1 }, variant, "STANDARD"));
    expect(refused("v-a", variants[0])).toEqual(["line.variantId"]);
    expect(refused("v-d", vD, "line-a")).toEqual(["line.lineId"]);
    expect(refused("v-usd", variants[3])).toEqual(["line.variantId"]);
    expect(fieldsOf(() => addD(1_000))).toEqual(["line.quantity"]);
    expect(refused("v-gone", undefined)).toEqual(["line.variantId"]);
  });

  it("removes a line and recomputes totals; the last line cannot go", () => {
    const decision = removeOrderItem(placed, "line-b");
    expect(decision.state.lines.map((l) => l.id)).toEqual(["line-a"]);
    expect(decision.events[0]).toMatchObject({
      type: "OrderItemRemoved",
      payload: {
        line: { id: "line-b", quantity: 1, unitPrice: 250 },
        previousTotals: { subtotal: 2_250 },
        totals: { subtotal: 2_000 },
      },
    });
    expect(fieldsOf(() => removeOrderItem(decision.state, "line-a"))).toEqual(["lineId"]);
    expect(codeOf(() => removeOrderItem(placed, "nope"))).toBe("NOT_FOUND");
  });

  it("changes a quantity within 1..999, keeping the line's price", () => {
    const decision = updateOrderItemQuantity(placed, "line-a", 999);
    expect(decision.state.totals.subtotal).toBe(999 * 1_000 + 250);
    expect(decision.events[0]?.payload).toMatchObject({
      lineId: "line-a",
      previousQuantity: 2,
      quantity: 999,
      totals: { subtotal: 999_250 },
    });
    for (const q of [0, 1_000, 2.5]) {
      expect(fieldsOf(() => updateOrderItemQuantity(placed, "line-a", q))).toEqual(["quantity"]);
    }
    expect(updateOrderItemQuantity(placed, "line-a", 2)).toEqual({ state: placed, events: [] });
  });

  it("keeps a line discount within the line amount when the quantity drops", () => {
    const discounted = {
      ...placed,
      lines: placed.lines.map((l) => (l.id === "line-a" ? { ...l, discount: 1_500 } : l)),
    };
    expect(fieldsOf(() => updateOrderItemQuantity(discounted, "line-a", 1))).toEqual(["quantity"]);
  });

  it("applies one coupon, once, and reports the totals", () => {
    const decision = applyOrderCoupon(placed, { code: "save5", amount: 500 });
    expect(decision.state.totals).toMatchObject({ discount: 500, grandTotal: 2_450 });
    expect(decision.events[0]?.payload).toMatchObject({
      coupon: { code: "SAVE5", amount: 500 },
      previousCoupon: null,
      previousTotals: { grandTotal: 2_950 },
      totals: { grandTotal: 2_450 },
    });
    const again = () => applyOrderCoupon(decision.state, { code: "SAVE5", amount: 500 });
    expect(fieldsOf(again)).toEqual(["code"]);
    const other = () => applyOrderCoupon(decision.state, { code: "OTHER", amount: 100 });
    expect(fieldsOf(other)).toEqual(["code"]);
    expect(fieldsOf(() => applyOrderCoupon(placed, { code: "", amount: 0 }))).toEqual([
      "code",
      "amount",
    ]);
  });

  it("recomputes the capped coupon discount when lines shrink", () => {
    const withCoupon = applyOrderCoupon(placed, { code: "BIG", amount: 2_100 }).state;
    const smaller = removeOrderItem(withCoupon, "line-a").state;
    expect(smaller.totals).toMatchObject({ subtotal: 250, discount: 250, grandTotal: 700 });
  });

  it.each(["CONFIRMED", "PAYMENT_PENDING", "PAID", "CANCELLED"] as const)(
    "rejects every edit once %s",
    (status) => {
      const order = { ...placed, status };
      const edits = [
        () =>
          addOrderItem(order, { lineId: "line-d", variantId: "v-d", quantity: 1 }, vD, "SILVER"),
        () => removeOrderItem(order, "line-b"),
        () => updateOrderItemQuantity(order, "line-a", 3),
        () => applyOrderCoupon(order, { code: "X", amount: 1 }),
      ];
      for (const edit of edits) expect(codeOf(edit)).toBe("INVALID_STATE_TRANSITION");
    },
  );
});
