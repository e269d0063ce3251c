import { DomainError, type FieldError } from "@shopstream/errors";
import { QUANTITY_MAX } from "../orders/order-rules.ts";
import { assertActive, type Cart, type CartDecision, changed } from "./cart.ts";

/**
 * Merges a guest cart into a customer's cart (at sign-in). Quantities of the same variant add;
 * a sum above 999 is capped at 999 and reported in `capped` rather than rejected, so signing in
 * never fails because of the guest's cart. The customer's coupon wins; the guest's is taken only
 * when the customer has none. The guest cart becomes ABANDONED with reason MERGED, not
 * CONVERTED: CONVERTED means an order was placed, and conversion metrics must not count a merge.
 */
export function mergeCarts(
  guest: Cart,
  customerCart: Cart,
  now: Date,
): { guest: CartDecision; customerCart: CartDecision } {
  const problems: FieldError[] = [];
  if (guest.id === customerCart.id)
    problems.push({ field: "guestCartId", message: "must differ from the customer's cart" });
  if (guest.customerId !== null)
    problems.push({ field: "guestCartId", message: "is not a guest cart" });
  if (customerCart.customerId === null)
    problems.push({ field: "customerCartId", message: "is a guest cart, not a customer's cart" });
  if (problems.length > 0) throw DomainError.validation(problems);
  assertActive(guest, "merge");
  assertActive(customerCart, "merge into");

  const lines = customerCart.lines.map((l) => ({ ...l }));
  const merged: { variantId: string; previousQuantity: number; added: number; quantity: number }[] =
    [];
  const capped: { variantId: string; requested: number; quantity: number }[] = [];
  for (const g of guest.lines) {
    const line = lines.find((l) => l.variantId === g.variantId);
    const previousQuantity = line?.quantity ?? 0;
    const requested = previousQuantity + g.quantity;
    const quantity = Math.min(requested, QUANTITY_MAX);
    if (requested > quantity) capped.push({ variantId: g.variantId, requested, quantity });
    if (line) line.quantity = quantity;
    else lines.push({ variantId: g.variantId, quantity });
    merged.push({ variantId: g.variantId, previousQuantity, added: g.quantity, quantity });
  }
  const couponCode = customerCart.couponCode ?? guest.couponCode;
  const droppedCouponCode =
    guest.couponCode !== null && guest.couponCode !== couponCode ? guest.couponCode : null;

  return {
    customerCart: changed(customerCart, { lines, couponCode }, now, "CartsMerged", {
      sourceCartId: guest.id,
      lines: merged,
      capped,
      previousCouponCode: customerCart.couponCode,
      couponCode,
      droppedCouponCode,
    }),
    guest: changed(
      guest,
      { status: "ABANDONED", mergedIntoCartId: customerCart.id },
      now,
      "CartAbandoned",
      {
        reason: "MERGED",
        previousStatus: guest.status,
        status: "ABANDONED",
        lastActivityAt: guest.lastActivityAt,
        mergedIntoCartId: customerCart.id,
      },
    ),
  };
}
