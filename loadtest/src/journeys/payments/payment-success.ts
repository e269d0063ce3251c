import { type Journey, need, step } from "../../harness/journey.ts";
import { awaitPayment, initiateStep, newOrderId } from "./payment-steps.ts";

/** Payment success: initiate → the provider's success → SUCCEEDED. */
export const paymentSuccess = (): Journey => ({
  name: "payments.payment-success",
  context: "payments",
  steps: [
    newOrderId,
    step("provider /script", (c) =>
      c.script({ orderId: need(c, "orderId") }, [{ outcome: "succeed" }]),
    ),
    initiateStep,
    awaitPayment("SUCCEEDED", ["FAILED"]),
  ],
});
