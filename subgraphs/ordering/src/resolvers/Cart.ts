import type { OrderingContext } from "../context.ts";

interface CartRow {
  id: string;
  customerId: string | null;
  orderId: string | null;
  mergedIntoCartId: string | null;
}

type Ctx = OrderingContext;

export const Cart = {
  __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.cart.load(ref.id),
  customer: (c: CartRow) => (c.customerId ? { __typename: "Customer", id: c.customerId } : null),
  lines: (c: CartRow, _: unknown, ctx: Ctx) => ctx.loaders.linesByCart.load(c.id),
  order: (c: CartRow, _: unknown, ctx: Ctx) =>
    c.orderId ? ctx.loaders.order.load(c.orderId) : null,
  mergedInto: (c: CartRow, _: unknown, ctx: Ctx) =>
    c.mergedIntoCartId ? ctx.loaders.cart.load(c.mergedIntoCartId) : null,
};

export const CartLine = {
  variant: (l: { variantId: string }) => ({ __typename: "ProductVariant", id: l.variantId }),
};
