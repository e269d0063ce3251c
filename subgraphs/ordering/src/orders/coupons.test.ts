import { fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { assertKnownCoupon, resolveCoupon } from "./coupons.ts";

describe("coupon table", () => {
  it.each([
    ["WELCOME10", 2000, 200],
    ["welcome10", 1999, 199],
    [" fiveoff ", 2000, 500],
    ["FIVEOFF", 100, 500],
    ["WELCOME10", 5, 1],
  ])("%s on a subtotal of %i takes off %i", (code, subtotal, amount) => {
    expect(resolveCoupon(code, subtotal).amount).toBe(amount);
  });

  it("normalizes known codes and rejects unknown or malformed ones on the given field", () => {
    expect(assertKnownCoupon(" welcome10")).toBe("WELCOME10");
    expect(fieldsOf(() => assertKnownCoupon("NOPE"))).toEqual(["code"]);
    expect(fieldsOf(() => assertKnownCoupon("bad code!"))).toEqual(["code"]);
    expect(fieldsOf(() => resolveCoupon("NOPE", 100, "couponCode"))).toEqual(["couponCode"]);
  });
});
