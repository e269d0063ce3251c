import {
  type Journey,
  need,
  releaseHeld,
  StepError,
  step,
  tally,
  theCustomer,
} from "../harness/journey.ts";
import { heldChargeSteps } from "../journeys/ordering/lifecycle-steps.ts";
import { CANCEL, orderReaches } from "../journeys/orders.ts";

/**
 * Cancel during payment: the provider holds the charge's success report; the report is released
 * at the same moment as `cancelOrder`, so the webhook and the cancel really meet. Either end is
 * fine — PAID (the cancel lost), or CANCELLED and refunded — an inconsistent one is not (the
 * order invariants check payments and reservations after the run).
 */
export const cancelDuringPaymentRace = (): Journey => ({
  name: "race.cancel-during-payment",
  context: "ordering",
  expected: ["CONFLICT"],
  cleanup: releaseHeld,
  steps: [
    ...heldChargeSteps("the provider to hold the report"),
    step("release + CancelOrder", theCustomer, async (c) => {
      const id = need(c, "orderId");
      const [, cancel] = await Promise.all([
        c.release({ orderId: id }),
        c.attempt("CancelOrder", CANCEL, { id, reason: "race" }),
      ]);
      if (cancel.code && cancel.code !== "CONFLICT")
        throw new StepError(cancel.code, cancel.errors?.[0]?.message ?? "");
      c.state.cancelCode = cancel.code ?? "ok";
    }),
    step("await settled", theCustomer, async (c) => {
      const o = await orderReaches(c, need(c, "orderId"), ["PAID", "REFUNDED"]);
      tally(
        c.env.tracker,
        "cancel during payment",
        `cancel ${String(c.state.cancelCode)} → ${o.status}`,
      );
    }),
  ],
});
