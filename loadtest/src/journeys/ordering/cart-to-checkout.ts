import { type Journey, need, op, theCustomer } from "../../harness/journey.ts";
import { idOp } from "../steps.ts";
import { cartWithItemsSteps } from "./cart-lifecycle.ts";
import { awaitPaid, confirmStep } from "./lifecycle-steps.ts";

/** Cart to checkout: create → add ×2 → coupon → checkout → confirm → paid. */
export const cartToCheckout = (): Journey => ({
  name: "ordering.cart-to-checkout",
  context: "ordering",
  steps: [
    ...cartWithItemsSteps(2),
    idOp(
      "ApplyCartCoupon",
      theCustomer,
      `mutation ApplyCartCoupon($id: ID!) { applyCartCoupon(cartId: $id, code: "WELCOME10") { id } }`,
      "cartId",
    ),
    op<{ checkoutCart: { id: string } }>(
      "CheckoutCart",
      theCustomer,
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
