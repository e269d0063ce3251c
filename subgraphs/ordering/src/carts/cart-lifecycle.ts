import { DomainError, type FieldError } from "@shopstream/errors";
import type { OrderingCustomer } from "../orders/order.ts";
import {
  assertActive,
  CART_IDLE_MS,
  type Cart,
  type CartDecision,
  type CartLine,
  changed,
  unchanged,
} from "./cart.ts";

/** How a cart ends: checked out (CONVERTED) or abandoned (docs/ordering.md, "Cart"). */

/** True when an ACTIVE cart has not changed for 24 hours (the idle-abandonment job asks this). */
export const isIdle = (cart: Cart, now: Date): boolean =>
  cart.status === "ACTIVE" && now.getTime() - Date.parse(cart.lastActivityAt) >= CART_IDLE_MS;

export type AbandonReason = "REQUESTED" | "IDLE";

/**
 * ACTIVE → ABANDONED, on request or (reason IDLE) because `isIdle` holds; an IDLE abandonment of
 * a cart that is not idle is INVALID_STATE_TRANSITION (the cart moved on since the job looked).
 * Abandoning an ABANDONED cart changes nothing: the user and the idle job may race.
 */
export function abandonCart(cart: Cart, reason: AbandonReason, now: Date): CartDecision {
  if (cart.status === "ABANDONED") return unchanged(cart);
  assertActive(cart, "abandon");
  if (reason === "IDLE" && !isIdle(cart, now)) {
    throw new DomainError(
      "INVALID_STATE_TRANSITION",
      `Cart ${cart.id} was active at ${cart.lastActivityAt}; it is not idle`,
      { entity: "Cart", from: cart.status, action: "abandon as idle" },
    );
  }
  return changed(cart, { status: "ABANDONED" }, now, "CartAbandoned", {
    reason,
    previousStatus: cart.status,
    status: "ABANDONED",
    lastActivityAt: cart.lastActivityAt,
    mergedIntoCartId: null,
  });
}

/** What a checkout hands to order placement: price the lines, resolve the coupon, place. */
export interface OrderPlacementRequest {
  orderId: string;
  customerId: string;
  lines: CartLine[];
  couponCode: string | null;
  idempotencyKey: string;
}

/**
 * ACTIVE, non-empty customer cart → CONVERTED, returning the order placement input. The customer
 * must be ACTIVE and own the cart; a guest cart is merged into a customer's cart first.
 */
export function checkoutCart(
  cart: Cart,
  input: {
    orderId: string;
    customer: Pick<OrderingCustomer, "id" | "status">;
    idempotencyKey: string;
  },
  now: Date,
): CartDecision & { placement: OrderPlacementRequest } {
  assertActive(cart, "check out");
  if (input.customer.status !== "ACTIVE") {
    throw DomainError.invalidTransition("Customer", input.customer.status, "check out for");
  }
  const problems: FieldError[] = [];
  if (cart.customerId === null) {
    problems.push({ field: "cartId", message: "is a guest cart; merge it into a customer's cart" });
  } else if (cart.customerId !== input.customer.id) {
    problems.push({ field: "cartId", message: "belongs to another customer" });
  }
  if (cart.lines.length === 0) problems.push({ field: "cartId", message: "is empty" });
  const key = input.idempotencyKey;
  if (key.trim().length === 0 || key.length > 255) {
    problems.push({ field: "idempotencyKey", message: "is required (1–255 characters)" });
  }
  if (problems.length > 0) throw DomainError.validation(problems);
  const placement: OrderPlacementRequest = {
    orderId: input.orderId,
    customerId: input.customer.id,
    lines: cart.lines.map((l) => ({ ...l })),
    couponCode: cart.couponCode,
    idempotencyKey: key,
  };
  const decision = changed(
    cart,
    { status: "CONVERTED", orderId: input.orderId, checkoutIdempotencyKey: key },
    now,
    "CartCheckedOut",
    {
      previousStatus: cart.status,
      status: "CONVERTED",
      orderId: input.orderId,
      lines: placement.lines,
      couponCode: cart.couponCode,
      idempotencyKey: key,
    },
  );
  return { ...decision, placement };
}
