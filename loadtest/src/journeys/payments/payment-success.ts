import type { Journey } from "../../harness/journey.ts";
import { awaitPayment, scriptedChargeSteps } from "./payment-steps.ts";

/** Payment success: initiate → the provider's success → SUCCEEDED. */
export const paymentSuccess = (): Journey => ({
  name: "payments.payment-success",
  context: "payments",
  steps: [...scriptedChargeSteps([{ outcome: "succeed" }]), awaitPayment("SUCCEEDED", ["FAILED"])],
});
