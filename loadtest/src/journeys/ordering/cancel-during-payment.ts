import { type Journey, need, releaseHeld, step, theCustomer } from "../../harness/journey.ts";
import { CANCEL } from "../orders.ts";
import { awaitRefunded } from "../steps.ts";
import { heldChargeSteps } from "./lifecycle-steps.ts";

/**
 * Cancellation during payment with refund: the provider holds the charge's success, the order is
 * cancelled while PAYMENT_PENDING, then the success is released — payments refunds it and the
 * order ends REFUNDED.
 */
export const cancelDuringPaymentRefund = (): Journey => ({
  name: "ordering.cancel-during-payment",
  context: "ordering",
  cleanup: releaseHeld,
  steps: [
    ...heldChargeSteps("the provider to hold the charge's report"),
    step("CancelOrder", theCustomer, async (c) => {
      await c.gql("CancelOrder", CANCEL, { id: need(c, "orderId"), reason: "changed my mind" });
    }),
    step("provider /release", theCustomer, (c) => c.release({ orderId: need(c, "orderId") })),
    awaitRefunded,
  ],
});
