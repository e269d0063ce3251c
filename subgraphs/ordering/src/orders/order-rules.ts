import { DomainError, type FieldError } from "@shopstream/errors";
import { cleanText, collect, optionalText } from "@shopstream/rules";
import type { Coupon } from "./order.ts";

/** Ordering's field rules (docs/ordering.md, "Rules"), built on the shared ones. */

export const QUANTITY_MIN = 1;
export const QUANTITY_MAX = 999;
export const REASON_MAX = 500;

export function quantityProblem(quantity: number): string | null {
  return Number.isSafeInteger(quantity) && quantity >= QUANTITY_MIN && quantity <= QUANTITY_MAX
    ? null
    : `must be a whole number from ${QUANTITY_MIN} to ${QUANTITY_MAX}`;
}

export const amountProblem = (amount: number, min = 0): string | null =>
  Number.isSafeInteger(amount) && amount >= min
    ? null
    : `must be a whole number of minor units, at least ${min}`;

/** Trimmed, upper-cased coupon code, so `save10` and ` SAVE10 ` are the same coupon. */
export const normalizeCouponCode = (code: string) => code.trim().toUpperCase();

export function couponCodeProblem(code: string): string | null {
  return /^[A-Z0-9][A-Z0-9_-]{0,49}$/.test(normalizeCouponCode(code))
    ? null
    : "must be 1–50 letters, digits, hyphens or underscores";
}

/** A resolved coupon's problems, named `code` and `amount` under `prefix`. */
export const couponProblems = (coupon: Coupon, prefix: string): FieldError[] =>
  collect(
    [
      ["code", couponCodeProblem(coupon.code)],
      ["amount", amountProblem(coupon.amount, 1)],
    ],
    prefix,
  );

/** A free-text reason (cancellation, return): trimmed, at most 500 characters, or null. */
export function optionalReason(reason: string | null | undefined): string | null {
  const problem = optionalText(reason, REASON_MAX);
  if (problem) throw DomainError.validation([{ field: "reason", message: problem }]);
  return cleanText(reason);
}
