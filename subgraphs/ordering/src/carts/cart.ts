import { DomainError, type FieldError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import {
  couponCodeProblem,
  normalizeCouponCode,
  type OrderingCustomer,
  QUANTITY_MAX,
  quantityProblem,
} from "../orders/order.ts";
import { isOrderable, type VariantPrice } from "../pricing/price-view.ts";

/**
 * Pure domain for the Cart aggregate (DOMAIN.md, "cart"): ACTIVE → CONVERTED (checkout) or
 * ABANDONED (explicitly, after 24 h idle, or merged into a customer's cart). Only ACTIVE carts
 * change. A cart holds variants and quantities, not prices: prices are taken from the price view
 * when the order is placed, so a cart never shows a stale price as a promise.
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
  /** Set once ABANDONED by a merge: the customer cart that took the lines. */
  mergedIntoCartId: string | null;
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

export interface CartDecision {
  state: Cart;
  events: CartEvent[];
}

function changed(
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
  return {
    state,
    events: [
      {
        type,
        aggregateType: "Cart",
        aggregateId: cart.id,
        aggregateVersion: state.version,
        payload: { cartId: cart.id, customerId: cart.customerId, ...payload },
      },
    ],
  };
}

function assertActive(cart: Cart, action: string): void {
  if (cart.status !== "ACTIVE") throw DomainError.invalidTransition("Cart", cart.status, action);
}

const fail = (field: string, message: string) => DomainError.validation([{ field, message }]);

/** A new, empty ACTIVE cart; `customerId` null makes a guest cart. */
export function createCart(
  input: { cartId: string; customerId: string | null },
  now: Date,
): CartDecision {
  const state: Cart = {
    id: input.cartId,
    customerId: input.customerId,
    status: "ACTIVE",
    lines: [],
    couponCode: null,
    lastActivityAt: now.toISOString(),
    orderId: null,
    mergedIntoCartId: null,
    version: 1,
  };
  const event: CartEvent = {
    type: "CartCreated",
    aggregateType: "Cart",
    aggregateId: state.id,
    aggregateVersion: 1,
    payload: { cartId: state.id, customerId: state.customerId, status: state.status },
  };
  return { state, events: [event] };
}

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
  if (line.quantity === quantity) return { state: cart, events: [] };
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
  if (cart.status === "ABANDONED") return { state: cart, events: [] };
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
    { status: "CONVERTED", orderId: input.orderId },
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
