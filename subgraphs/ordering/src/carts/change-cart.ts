import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { Prisma } from "../generated/prisma/client.ts";
import { assertKnownCoupon } from "../orders/coupons.ts";
import type { CommandDeps } from "../orders/order-commands.deps.ts";
import { knownCustomer } from "../orders/place-order.ts";
import { findVariantPrices } from "../pricing/price-view.repository.ts";
import { findCart, insertCart, type StoredCart, saveCart } from "./cart.repository.ts";
import * as domain from "./cart.ts";

type Decide = (
  cart: StoredCart,
  now: Date,
  tx: Prisma.TransactionClient,
) => domain.CartDecision | Promise<domain.CartDecision>;

/**
 * The one write path for an existing cart: load, decide (pure), save guarded by the loaded
 * version with its events in the outbox, in one transaction. CONFLICT when another change won.
 */
export async function changeCart(
  deps: CommandDeps,
  cartId: string,
  decide: Decide,
  metadata: EventMetadata,
): Promise<domain.Cart> {
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction(async (tx) => {
    const current = await findCart(tx, cartId);
    if (!current) throw DomainError.notFound("Cart", cartId);
    const { state, events } = await decide(current, now, tx);
    if (events.length === 0) return current;
    if (!(await saveCart(tx, current, state, now))) throw DomainError.conflict("Cart", cartId);
    await appendToOutbox(
      tx,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
    return state;
  });
}

/** A new ACTIVE cart; a customer cart needs a customer ordering knows, a guest cart none. */
export async function createCart(
  deps: CommandDeps,
  input: { customerId?: string | null } | null | undefined,
  metadata: EventMetadata,
): Promise<domain.Cart> {
  const customerId = input?.customerId ?? null;
  if (customerId !== null) {
    assertUuid(customerId, "customerId");
    await knownCustomer(deps.prisma, customerId, "customerId");
  }
  const now = deps.now?.() ?? new Date();
  const { state, events } = domain.createCart({ cartId: newId(), customerId }, now);
  await deps.prisma.$transaction(async (tx) => {
    await insertCart(tx, state, now);
    await appendToOutbox(
      tx,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
  });
  return state;
}

export const addCartItem = (
  deps: CommandDeps,
  cartId: string,
  input: { variantId: string; quantity: number },
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    assertUuid(cartId, "cartId"),
    async (cart, now, tx) => {
      assertUuid(input.variantId, "variantId");
      const [variant] = await findVariantPrices(tx, [input.variantId]);
      return domain.addCartItem(
        cart,
        { variant, variantId: input.variantId, quantity: input.quantity },
        now,
      );
    },
    metadata,
  );

export const updateCartItemQuantity = (
  deps: CommandDeps,
  cartId: string,
  variantId: string,
  quantity: number,
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    assertUuid(cartId, "cartId"),
    (cart, now) =>
      domain.updateCartItemQuantity(cart, assertUuid(variantId, "variantId"), quantity, now),
    metadata,
  );

export const removeCartItem = (
  deps: CommandDeps,
  cartId: string,
  variantId: string,
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    assertUuid(cartId, "cartId"),
    (cart, now) => domain.removeCartItem(cart, assertUuid(variantId, "variantId"), now),
    metadata,
  );

/** Applies a code from the fixed coupon table (coupons.ts); unknown codes fail on `code`. */
export const applyCartCoupon = (
  deps: CommandDeps,
  cartId: string,
  code: string,
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    assertUuid(cartId, "cartId"),
    (cart, now) => domain.applyCartCoupon(cart, assertKnownCoupon(code), now),
    metadata,
  );

export const abandonCart = (deps: CommandDeps, cartId: string, metadata: EventMetadata) =>
  changeCart(
    deps,
    assertUuid(cartId, "cartId"),
    (cart, now) => domain.abandonCart(cart, "REQUESTED", now),
    metadata,
  );

/**
 * Merges a guest cart into a customer's cart: both saved with their version guards and both
 * events written in one transaction. Returns the customer's cart.
 */
export async function mergeCarts(
  deps: CommandDeps,
  guestCartId: string,
  customerCartId: string,
  metadata: EventMetadata,
): Promise<domain.Cart> {
  assertUuid(guestCartId, "guestCartId");
  assertUuid(customerCartId, "customerCartId");
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction(async (tx) => {
    const [guest, customerCart] = await Promise.all([
      findCart(tx, guestCartId),
      findCart(tx, customerCartId),
    ]);
    if (!guest) throw DomainError.notFound("Cart", guestCartId);
    if (!customerCart) throw DomainError.notFound("Cart", customerCartId);
    const decision = domain.mergeCarts(guest, customerCart, now);
    // Lock in id order so two opposite merges cannot deadlock.
    const saves = [
      [guest, decision.guest.state],
      [customerCart, decision.customerCart.state],
    ] as const;
    for (const [before, after] of [...saves].sort((a, b) => a[0].id.localeCompare(b[0].id))) {
      if (!(await saveCart(tx, before, after, now))) throw DomainError.conflict("Cart", before.id);
    }
    await appendToOutbox(
      tx,
      [...decision.customerCart.events, ...decision.guest.events].map((e) =>
        toEnvelope(e, metadata, now),
      ),
    );
    return decision.customerCart.state;
  });
}
