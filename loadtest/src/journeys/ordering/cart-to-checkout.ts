import { type Journey, need, op } from "../../harness/journey.ts";
import { fixtureStep } from "../fixture.ts";
import { addCartItemStep, createCartStep } from "./cart-lifecycle.ts";
import { awaitPaid, confirmStep } from "./lifecycle-steps.ts";

/** Cart to checkout: create → add ×2 → coupon → checkout → confirm → paid. */
export const cartToCheckout = (): Journey => ({
  name: "ordering.cart-to-checkout",
  context: "ordering",
  steps: [
    fixtureStep,
    createCartStep,
    addCartItemStep(0),
    addCartItemStep(1),
    op(
      "ApplyCartCoupon",
      `mutation ApplyCartCoupon($id: ID!) { applyCartCoupon(cartId: $id, code: "WELCOME10") { id } }`,
      (c) => ({
        id: need(c, "cartId"),
      }),
    ),
    op<{ checkoutCart: { id: string } }>(
      "CheckoutCart",
      `mutation CheckoutCart($id: ID!, $key: String!) { checkoutCart(cartId: $id, idempotencyKey: $key) { id status } }`,
      (c) => ({ id: need(c, "cartId"), key: c.unique("checkout") }),
      (d, c) => {
        c.state.orderId = d.checkoutCart.id;
        c.env.tracker.orders.set(d.checkoutCart.id, { journey: c.journey.name });
      },
    ),
    confirmStep,
    awaitPaid,
  ],
});
