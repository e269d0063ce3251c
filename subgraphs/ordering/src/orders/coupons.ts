import { DomainError } from "@shopstream/errors";
import type { Coupon } from "./order.ts";
import { couponCodeProblem, normalizeCouponCode } from "./order-rules.ts";

/**
 * The coupon catalogue (docs/ordering.md, "Coupons"). No context owns coupons, so ordering keeps
 * a small fixed table:
 *
 * | code       | worth                                   |
 * |------------|-----------------------------------------|
 * | `WELCOME10`| 10 % of the subtotal, rounded down      |
 * | `FIVEOFF`  | 500 minor units of the order's currency |
 *
 * A coupon is resolved to a fixed amount when it is applied to an order (or when a cart is checked
 * out); the amount is then kept, and capped at the subtotal by the order's totals.
 */
export const COUPONS: Record<string, { percentOff?: number; amountOff?: number }> = {
  WELCOME10: { percentOff: 10 },
  FIVEOFF: { amountOff: 500 },
};

/** VALIDATION_FAILED on `field` unless `code` is well-formed and in the table. */
export function assertKnownCoupon(code: string, field = "code"): string {
  const problem = couponCodeProblem(code);
  const normalized = normalizeCouponCode(code);
  if (problem) throw DomainError.validation([{ field, message: problem }]);
  if (!COUPONS[normalized]) {
    throw DomainError.validation([{ field, message: `coupon ${normalized} does not exist` }]);
  }
  return normalized;
}

/** Resolves a known code against a subtotal (minor units) to the fixed amount it takes off. */
export function resolveCoupon(code: string, subtotal: number, field = "code"): Coupon {
  const normalized = assertKnownCoupon(code, field);
  const rule = COUPONS[normalized]!;
  const amount = rule.amountOff ?? Math.floor((subtotal * (rule.percentOff ?? 0)) / 100);
  // A coupon worth nothing on this subtotal still applies once, at its minimum of one unit.
  return { code: normalized, amount: Math.max(amount, 1) };
}
