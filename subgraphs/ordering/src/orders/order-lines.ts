import { DomainError } from "@shopstream/errors";
import type { Tier, VariantPrice } from "../pricing/price-view.ts";
import type { Coupon, Order, OrderLine } from "./order.ts";
import { changed, type OrderDecision, unchanged } from "./order-events.ts";
import { type LineRequest, priceLine } from "./order-pricing.ts";
import { couponProblems, normalizeCouponCode, quantityProblem } from "./order-rules.ts";
import { assertStatus } from "./order-status.ts";

/**
 * Editing an order's lines and coupon (docs/ordering.md, "Editing an order"): only while
 * CREATED. A line's price comes from the price view at the moment it is added; other lines keep
 * the price they were placed with. Each event carries the previous and new line values and the
 * totals before and after.
 */

function findLine(order: Order, lineId: string): OrderLine {
  const line = order.lines.find((l) => l.id === lineId);
  if (!line) throw DomainError.notFound("order line", lineId);
  return line;
}

/** Adds a new line priced for the customer's tier. A variant already on the order is rejected. */
export function addOrderItem(
  order: Order,
  request: LineRequest,
  variant: VariantPrice | undefined,
  tier: Tier,
): OrderDecision {
  assertStatus(order, ["CREATED"], "add an item to");
  const priced = priceLine(request, variant, tier, order.currency, "line");
  const existing = order.lines.find((l) => l.variantId === request.variantId);
  if (existing) {
    priced.problems.unshift({
      field: "line.variantId",
      message: `is already on line ${existing.id}; change that line's quantity instead`,
    });
  }
  if (order.lines.some((l) => l.id === request.lineId)) {
    priced.problems.unshift({ field: "line.lineId", message: "is already used on this order" });
  }
  if (priced.problems.length > 0 || !priced.line) throw DomainError.validation(priced.problems);
  const line = priced.line;
  return changed(order, { lines: [...order.lines, line] }, "OrderItemAdded", (state) => ({
    line,
    previousTotals: order.totals,
    totals: state.totals,
  }));
}

/** Removes a line. The last line cannot go: an order has at least one (cancel it instead). */
export function removeOrderItem(order: Order, lineId: string): OrderDecision {
  assertStatus(order, ["CREATED"], "remove an item from");
  const line = findLine(order, lineId);
  if (order.lines.length === 1) {
    throw DomainError.validation([
      { field: "lineId", message: "is the order's last line; cancel the order instead" },
    ]);
  }
  return changed(
    order,
    { lines: order.lines.filter((l) => l.id !== lineId) },
    "OrderItemRemoved",
    (state) => ({ line, previousTotals: order.totals, totals: state.totals }),
  );
}

/** Changes a line's quantity (1..999); the line discount must still fit the new line amount. */
export function updateOrderItemQuantity(
  order: Order,
  lineId: string,
  quantity: number,
): OrderDecision {
  assertStatus(order, ["CREATED"], "change an item of");
  const line = findLine(order, lineId);
  const problem =
    quantityProblem(quantity) ??
    (line.discount > line.unitPrice * quantity
      ? `leaves the line discount (${line.discount}) above the line amount`
      : null);
  if (problem) throw DomainError.validation([{ field: "quantity", message: problem }]);
  if (quantity === line.quantity) return unchanged(order);
  const next = { ...line, quantity };
  return changed(
    order,
    { lines: order.lines.map((l) => (l.id === lineId ? next : l)) },
    "OrderItemQuantityChanged",
    (state) => ({
      lineId,
      variantId: line.variantId,
      previousQuantity: line.quantity,
      quantity,
      previousTotals: order.totals,
      totals: state.totals,
    }),
  );
}

/**
 * Applies a coupon already resolved to an amount. An order takes one coupon, once: applying any
 * code while one is applied (the same code included) is VALIDATION_FAILED on `code`.
 */
export function applyOrderCoupon(order: Order, coupon: Coupon): OrderDecision {
  assertStatus(order, ["CREATED"], "apply a coupon to");
  const problems = couponProblems(coupon, "");
  if (problems.length > 0) throw DomainError.validation(problems);
  const code = normalizeCouponCode(coupon.code);
  if (order.coupon) {
    throw DomainError.validation([
      {
        field: "code",
        message:
          order.coupon.code === code
            ? `coupon ${code} is already applied`
            : `the order already has coupon ${order.coupon.code}; an order takes one coupon`,
      },
    ]);
  }
  const applied = { code, amount: coupon.amount };
  return changed(order, { coupon: applied }, "OrderCouponApplied", (state) => ({
    coupon: applied,
    previousCoupon: null,
    previousTotals: order.totals,
    totals: state.totals,
  }));
}
