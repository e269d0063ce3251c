import { randomBytes } from "node:crypto";
import {
  changeAggregate,
  createAggregate,
  type Decide,
  nowOf,
  recordEvents,
  runTransaction,
} from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import { guestTokenHash } from "@shopstream/service";
import type { OrderingDeps } from "../context.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { assertKnownCoupon } from "../orders/coupons.ts";
import { knownCustomer } from "../orders/place-order.ts";
import { findVariantPrices } from "../pricing/price-view.repository.ts";
import { cartStore, newCartStore } from "./cart.repository.ts";
import { type Cart, createCart as decideNewCart } from "./cart.ts";
import { abandonCart as decideAbandon } from "./cart-lifecycle.ts";
import * as lines from "./cart-lines.ts";
import { mergeCarts as decideMerge } from "./cart-merge.ts";

/**
 * The commands on carts: a new cart is one `createAggregate`, a change of one cart one
 * `changeAggregate` with the cart store (version-guarded save and outbox in one transaction;
 * CONFLICT when another change committed first). docs/ordering.md lists what each one answers.
 */

/** One change of the cart `cartId` through the shared write path. */
const changeCart = (
  deps: OrderingDeps,
  cartId: string,
  decide: Decide<Cart, Prisma.TransactionClient>,
  metadata: EventMetadata,
) => changeAggregate(deps, cartStore, assertUuid(cartId, "cartId"), decide, metadata);

/** A new guest cart's token: 256 random bits, base64url (43 characters). */
export const newGuestToken = (): string => randomBytes(32).toString("base64url");

/**
 * A new ACTIVE cart; a customer cart needs a customer ordering knows, a guest cart none. A guest
 * cart gets a fresh token, returned here once (`guestToken`): the cart keeps only its hash, and
 * whoever presents the token reaches the cart. The policy table checked before this ran that a
 * given `customerId` is the caller's own.
 */
export async function createCart(
  deps: OrderingDeps,
  input: { customerId?: string | null } | null | undefined,
  metadata: EventMetadata,
): Promise<Cart & { guestToken: string | null }> {
  const customerId = input?.customerId ?? null;
  if (customerId !== null) {
    assertUuid(customerId, "customerId");
    await knownCustomer(deps.prisma, customerId, "customerId");
  }
  const guestToken = customerId === null ? newGuestToken() : null;
  const cart = await createAggregate(
    deps,
    newCartStore,
    ({ now }) =>
      decideNewCart(
        {
          cartId: newId(),
          customerId,
          guestTokenHash: guestToken === null ? null : guestTokenHash(guestToken),
        },
        now,
      ),
    metadata,
  );
  return { ...cart, guestToken };
}

export const addCartItem = (
  deps: OrderingDeps,
  cartId: string,
  input: { variantId: string; quantity: number },
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    cartId,
    async (cart, { tx, now }) => {
      assertUuid(input.variantId, "variantId");
      const [variant] = await findVariantPrices(tx, [input.variantId]);
      const item = { variant, variantId: input.variantId, quantity: input.quantity };
      return lines.addCartItem(cart, item, now);
    },
    metadata,
  );

export const updateCartItemQuantity = (
  deps: OrderingDeps,
  cartId: string,
  variantId: string,
  quantity: number,
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    cartId,
    (cart, { now }) =>
      lines.updateCartItemQuantity(cart, assertUuid(variantId, "variantId"), quantity, now),
    metadata,
  );

export const removeCartItem = (
  deps: OrderingDeps,
  cartId: string,
  variantId: string,
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    cartId,
    (cart, { now }) => lines.removeCartItem(cart, assertUuid(variantId, "variantId"), now),
    metadata,
  );

/** Applies a code from the fixed coupon table (coupons.ts); unknown codes fail on `code`. */
export const applyCartCoupon = (
  deps: OrderingDeps,
  cartId: string,
  code: string,
  metadata: EventMetadata,
) =>
  changeCart(
    deps,
    cartId,
    (cart, { now }) => lines.applyCartCoupon(cart, assertKnownCoupon(code), now),
    metadata,
  );

export const abandonCart = (deps: OrderingDeps, cartId: string, metadata: EventMetadata) =>
  changeCart(deps, cartId, (cart, { now }) => decideAbandon(cart, "REQUESTED", now), metadata);

/**
 * Merges a guest cart into a customer's cart: one decision over both carts, both saved with
 * their version guards and both events written, in one transaction. Returns the customer's cart.
 */
export async function mergeCarts(
  deps: OrderingDeps,
  guestCartId: string,
  customerCartId: string,
  metadata: EventMetadata,
): Promise<Cart> {
  assertUuid(guestCartId, "guestCartId");
  assertUuid(customerCartId, "customerCartId");
  const now = nowOf(deps);
  return runTransaction(
    deps.prisma,
    async (tx) => {
      const [guest, customerCart] = await Promise.all([
        cartStore.load(tx, guestCartId),
        cartStore.load(tx, customerCartId),
      ]);
      if (!guest) throw DomainError.notFound("Cart", guestCartId);
      if (!customerCart) throw DomainError.notFound("Cart", customerCartId);
      const decision = decideMerge(guest, customerCart, now);
      // Lock in id order so two opposite merges cannot deadlock.
      const saves = [
        [guest, decision.guest.state],
        [customerCart, decision.customerCart.state],
      ] as const;
      for (const [before, after] of [...saves].sort((a, b) => a[0].id.localeCompare(b[0].id))) {
        if (!(await cartStore.save(tx, before, after, now)))
          throw DomainError.conflict("Cart", before.id);
      }
      const events = [...decision.customerCart.events, ...decision.guest.events];
      await recordEvents(tx, events, metadata, now);
      return decision.customerCart.state;
    },
    { entity: "Cart", id: customerCartId },
  );
}
