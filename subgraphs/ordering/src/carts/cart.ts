import type { Decision } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";

/**
 * The Cart aggregate's state and events (docs/ordering.md, "Cart"): ACTIVE → CONVERTED (checkout)
 * or ABANDONED (explicitly, after 24 h idle, or merged into a customer's cart). Only ACTIVE carts
 * change. A cart holds variants and quantities, not prices: prices are taken from the price view
 * when the order is placed, so a cart never shows a stale price as a promise. Its decisions live
 * by concern in `cart-lines.ts`, `cart-lifecycle.ts` and `cart-merge.ts`.
 */

export const CART_STATUSES = ["ACTIVE", "CONVERTED", "ABANDONED"] as const;
export type CartStatus = (typeof CART_STATUSES)[number];
export const CART_IDLE_MS = 24 * 60 * 60 * 1000;

/** One line per variant: adding a variant already in the cart adds to its quantity. */
export interface CartLine {
  variantId: string;
  quantity: number;
}

export interface Cart {
  id: string;
  /** Null for a guest cart. */
  customerId: string | null;
  status: CartStatus;
  lines: CartLine[];
  /** Normalized (upper-case) coupon code; resolved to an amount when the order is placed. */
  couponCode: string | null;
  /** ISO timestamp of the last change; a cart idle 24 h may be abandoned. */
  lastActivityAt: string;
  /** Set once CONVERTED: the order the checkout placed. */
  orderId: string | null;
  /** Set once CONVERTED: the checkout's idempotency key (unique across checkouts). */
  checkoutIdempotencyKey: string | null;
  /** Set once ABANDONED by a merge: the customer cart that took the lines. */
  mergedIntoCartId: string | null;
  /**
   * A guest cart's token as sha256 hex (the token reaches the cart; only its creator is given
   * it). Null for a customer's cart. Never in an event payload.
   */
  guestTokenHash: string | null;
  version: number;
}

export const CART_EVENT_TYPES = [
  "CartCreated",
  "CartItemAdded",
  "CartItemQuantityChanged",
  "CartItemRemoved",
  "CartCouponApplied",
  "CartsMerged",
  "CartAbandoned",
  "CartCheckedOut",
] as const;
export type CartEventType = (typeof CART_EVENT_TYPES)[number];
export type CartEvent = NewEvent<CartEventType, Record<string, unknown>>;

export type CartDecision = Decision<Cart, CartEvent>;

/** The cart's event at the cart's version; every payload names the cart and its customer. */
function cartEvent(cart: Cart, type: CartEventType, payload: Record<string, unknown>): CartEvent {
  return {
    type,
    aggregateType: "Cart",
    aggregateId: cart.id,
    aggregateVersion: cart.version,
    payload: { cartId: cart.id, customerId: cart.customerId, ...payload },
  };
}

/** One change at the next version, with the event that records it; the cart was active `now`. */
export function changed(
  cart: Cart,
  next: Partial<Omit<Cart, "id" | "version">>,
  now: Date,
  type: CartEventType,
  payload: Record<string, unknown>,
): CartDecision {
  const state: Cart = {
    ...cart,
    ...next,
    lastActivityAt: now.toISOString(),
    version: cart.version + 1,
  };
  return { state, events: [cartEvent(state, type, payload)] };
}

/** Nothing changed: no event, no new version. */
export const unchanged = (cart: Cart): CartDecision => ({ state: cart, events: [] });

export function assertActive(cart: Cart, action: string): void {
  if (cart.status !== "ACTIVE") throw DomainError.invalidTransition("Cart", cart.status, action);
}

/**
 * A new, empty ACTIVE cart; `customerId` null makes a guest cart, reached with the token whose
 * hash it keeps (the command makes the token; a customer's cart keeps none).
 */
export function createCart(
  input: { cartId: string; customerId: string | null; guestTokenHash?: string | null },
  now: Date,
): CartDecision {
  const guestTokenHash = input.customerId === null ? (input.guestTokenHash ?? null) : null;
  const state: Cart = {
    id: input.cartId,
    customerId: input.customerId,
    status: "ACTIVE",
    lines: [],
    couponCode: null,
    lastActivityAt: now.toISOString(),
    orderId: null,
    checkoutIdempotencyKey: null,
    mergedIntoCartId: null,
    guestTokenHash,
    version: 1,
  };
  return { state, events: [cartEvent(state, "CartCreated", { status: state.status })] };
}
