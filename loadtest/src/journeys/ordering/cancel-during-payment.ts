import { type Journey, need, releaseHeld, step } from "../../harness/journey.ts";
import { fixtureStep } from "../fixture.ts";
import { CANCEL, orderReaches } from "../orders.ts";
import { confirmStep, placeStep } from "./lifecycle-steps.ts";

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
    fixtureStep,
    placeStep(1),
    step("provider /script", async (c) => {
      c.state.held = true;
      await c.script({ orderId: need(c, "orderId") }, [{ outcome: "succeed", hold: true }]);
    }),
    confirmStep,
    step("await held report", async (c) => {
      await c.until(
        "the provider to hold the charge's report",
        () => c.held({ orderId: need(c, "orderId") }),
        (n) => n > 0,
      );
    }),
    step("CancelOrder", async (c) => {
      await c.gql("CancelOrder", CANCEL, { id: need(c, "orderId"), reason: "changed my mind" });
    }),
    step("provider /release", (c) => c.release({ orderId: need(c, "orderId") })),
    step("await REFUNDED", async (c) => {
      await orderReaches(c, need(c, "orderId"), ["REFUNDED"]);
    }),
  ],
});
