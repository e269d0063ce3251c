import { type Journey, need, op, type Step, theCustomer } from "../../harness/journey.ts";
import { fixtureOf, fixtureStep } from "../fixture.ts";
import { idOp } from "../steps.ts";

export const CREATE_CART = `mutation CreateCart($c: ID) { createCart(input: { customerId: $c }) { id } }`;
export const ADD_CART_ITEM = `mutation AddCartItem($id: ID!, $v: ID!, $q: Int!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: $q }) { id } }`;

export const createCartStep = op<{ createCart: { id: string } }>(
  "CreateCart",
  theCustomer,
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
    theCustomer,
    ADD_CART_ITEM,
    (c) => ({ id: need(c, "cartId"), v: fixtureOf(c).variantIds[i], q: 1 + i }),
    undefined,
    {
      retryWhile: ["VALIDATION_FAILED"],
    },
  );

/**
 * The opening of the cart journeys: set up, a cart the user's customer makes for themself,
 * `items` variants in it.
 */
export const cartWithItemsSteps = (items: number): Step[] => [
  fixtureStep,
  createCartStep,
  ...Array.from({ length: items }, (_, i) => addCartItemStep(i)),
];

/** Cart lifecycle: create → add ×3 → abandon. */
export const cartLifecycle = (): Journey => ({
  name: "ordering.cart-lifecycle",
  context: "ordering",
  steps: [
    ...cartWithItemsSteps(3),
    idOp(
      "AbandonCart",
      theCustomer,
      `mutation AbandonCart($id: ID!) { abandonCart(id: $id) { id status } }`,
      "cartId",
    ),
  ],
});
