import { DomainError, type FieldError } from "@shopstream/errors";
import {
  couponCodeProblem,
  normalizeCouponCode,
  QUANTITY_MAX,
  quantityProblem,
} from "../orders/order-rules.ts";
import { isOrderable, type VariantPrice } from "../pricing/price-view.ts";
import {
  assertActive,
  type Cart,
  type CartDecision,
  type CartLine,
  changed,
  unchanged,
} from "./cart.ts";

/** Editing an ACTIVE cart's lines and its coupon (docs/ordering.md, "Cart"). */

const fail = (field: string, message: string) => DomainError.validation([{ field, message }]);

/**
 * Adds `quantity` of a variant (the price view's row: only orderable variants go in). A variant
 * already in the cart merges into its line; the merged quantity must stay within 1..999 too.
 */
export function addCartItem(
  cart: Cart,
  item: { variant: VariantPrice | undefined; variantId: string; quantity: number },
  now: Date,
): CartDecision {
  assertActive(cart, "add an item to");
  const problems: FieldError[] = [];
  const quantityIssue = quantityProblem(item.quantity);
  if (quantityIssue) problems.push({ field: "quantity", message: quantityIssue });
  if (!item.variant) {
    problems.push({ field: "variantId", message: "is not a known product variant" });
  } else if (!isOrderable(item.variant)) {
    problems.push({
      field: "variantId",
      message: `cannot be ordered: its product is ${item.variant.productStatus}`,
    });
  }
  const existing = cart.lines.find((l) => l.variantId === item.variantId);
  const previousQuantity = existing?.quantity ?? 0;
  const quantity = previousQuantity + item.quantity;
  if (!quantityIssue && quantity > QUANTITY_MAX) {
    problems.push({
      field: "quantity",
      message: `would make ${quantity} with the ${previousQuantity} already in the cart; at most ${QUANTITY_MAX}`,
    });
  }
  if (problems.length > 0) throw DomainError.validation(problems);
  const lines = existing
    ? cart.lines.map((l) => (l.variantId === item.variantId ? { ...l, quantity } : l))
    : [...cart.lines, { variantId: item.variantId, quantity }];
  return changed(cart, { lines }, now, "CartItemAdded", {
    variantId: item.variantId,
    added: item.quantity,
    previousQuantity,
    quantity,
    merged: existing !== undefined,
  });
}

function findLine(cart: Cart, variantId: string): CartLine {
  const line = cart.lines.find((l) => l.variantId === variantId);
  if (!line) throw DomainError.notFound("cart line", variantId);
  return line;
}

/** Sets a line's quantity (1..999; remove the line to drop it). The same quantity changes nothing. */
export function updateCartItemQuantity(
  cart: Cart,
  variantId: string,
  quantity: number,
  now: Date,
): CartDecision {
  assertActive(cart, "change an item of");
  const issue = quantityProblem(quantity);
  if (issue) throw fail("quantity", issue);
  const line = findLine(cart, variantId);
  if (line.quantity === quantity) return unchanged(cart);
  const lines = cart.lines.map((l) => (l.variantId === variantId ? { ...l, quantity } : l));
  return changed(cart, { lines }, now, "CartItemQuantityChanged", {
    variantId,
    previousQuantity: line.quantity,
    quantity,
  });
}

/** Removes a line; a cart may become empty (it cannot be checked out then). */
export function removeCartItem(cart: Cart, variantId: string, now: Date): CartDecision {
  assertActive(cart, "remove an item from");
  const line = findLine(cart, variantId);
  return changed(
    cart,
    { lines: cart.lines.filter((l) => l.variantId !== variantId) },
    now,
    "CartItemRemoved",
    { variantId, previousQuantity: line.quantity },
  );
}

/**
 * Applies a coupon code. A cart takes one coupon, once: any code while one is applied (the same
 * code, in any letter case, included) is VALIDATION_FAILED on `code`. Whether the code exists and
 * what it is worth is decided when the order is placed.
 */
export function applyCartCoupon(cart: Cart, code: string, now: Date): CartDecision {
  assertActive(cart, "apply a coupon to");
  const issue = couponCodeProblem(code);
  if (issue) throw fail("code", issue);
  const normalized = normalizeCouponCode(code);
  if (cart.couponCode !== null) {
    throw fail(
      "code",
      cart.couponCode === normalized
        ? `coupon ${normalized} is already applied`
        : `the cart already has coupon ${cart.couponCode}; a cart takes one coupon`,
    );
  }
  return changed(cart, { couponCode: normalized }, now, "CartCouponApplied", {
    previousCouponCode: null,
    couponCode: normalized,
  });
}
