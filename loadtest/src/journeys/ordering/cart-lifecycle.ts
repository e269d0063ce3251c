import { type Journey, need, op } from "../../harness/journey.ts";
import { fixtureOf, fixtureStep } from "../fixture.ts";

export const CREATE_CART = `mutation CreateCart($c: ID) { createCart(input: { customerId: $c }) { id } }`;
export const ADD_CART_ITEM = `mutation AddCartItem($id: ID!, $v: ID!, $q: Int!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: $q }) { id } }`;

export const createCartStep = op<{ createCart: { id: string } }>(
  "CreateCart",
  CREATE_CART,
  (c) => ({ c: fixtureOf(c).customerId }),
  (d, c) => {
    c.state.cartId = d.createCart.id;
  },
  { retryWhile: ["VALIDATION_FAILED"] },
);

export const addCartItemStep = (i: number) =>
  op(
    "AddCartItem",
    ADD_CART_ITEM,
    (c) => ({ id: need(c, "cartId"), v: fixtureOf(c).variantIds[i], q: 1 + i }),
    undefined,
    {
      retryWhile: ["VALIDATION_FAILED"],
    },
  );

/** Cart lifecycle: create → add ×3 → abandon. */
export const cartLifecycle = (): Journey => ({
  name: "ordering.cart-lifecycle",
  context: "ordering",
  steps: [
    fixtureStep,
    createCartStep,
    addCartItemStep(0),
    addCartItemStep(1),
    addCartItemStep(2),
    op(
      "AbandonCart",
      `mutation AbandonCart($id: ID!) { abandonCart(id: $id) { id status } }`,
      (c) => ({ id: need(c, "cartId") }),
    ),
  ],
});
