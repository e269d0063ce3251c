import { reaches } from "@shopstream/service";
import type { OrderingContext } from "../context.ts";

interface CartRow {
  id: string;
  customerId: string | null;
  guestTokenHash: string | null;
  orderId: string | null;
  mergedIntoCartId: string | null;
  /** Only on the cart `createCart` just made (a guest cart's token, given once). */
  guestToken?: string | null;
}

type Ctx = OrderingContext;

/**
 * A cart reached from another ordering entity, or null when the caller may not see it (as if
 * missing): a guest cart's holder does not see the customer cart it was merged into.
 */
export const visibleCart = async (ctx: Ctx, id: string) => {
  const cart = await ctx.loaders.cart.load(id);
  return cart && reaches(ctx, "Entity.Cart", cart) ? cart : null;
};

export const Cart = {
  __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.cart.load(ref.id),
  customer: (c: CartRow) => (c.customerId ? { __typename: "Customer", id: c.customerId } : null),
  guestToken: (c: CartRow) => c.guestToken ?? null,
  lines: (c: CartRow, _: unknown, ctx: Ctx) => ctx.loaders.linesByCart.load(c.id),
  order: async (c: CartRow, _: unknown, ctx: Ctx) => {
    if (!c.orderId) return null;
    const order = await ctx.loaders.order.load(c.orderId);
    return order && reaches(ctx, "Entity.Order", order) ? order : null;
  },
  mergedInto: (c: CartRow, _: unknown, ctx: Ctx) =>
    c.mergedIntoCartId ? visibleCart(ctx, c.mergedIntoCartId) : null,
};

export const CartLine = {
  variant: (l: { variantId: string }) => ({ __typename: "ProductVariant", id: l.variantId }),
};
