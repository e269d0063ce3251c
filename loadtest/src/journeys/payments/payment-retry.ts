import type { Journey } from "../../harness/journey.ts";
import { idOp } from "../steps.ts";
import { awaitPayment, FINANCE, scriptedChargeSteps } from "./payment-steps.ts";

/** Failure → retry → success: the first attempt is declined, the retry succeeds. */
export const paymentRetry = (): Journey => ({
  name: "payments.payment-retry",
  context: "payments",
  steps: [
    ...scriptedChargeSteps([{ outcome: "fail", reason: "card declined" }, { outcome: "succeed" }]),
    awaitPayment("FAILED", ["SUCCEEDED"]),
    idOp(
      "RetryPayment",
      FINANCE,
      `mutation RetryPayment($id: ID!) { retryPayment(id: $id) { id status attempts } }`,
      "paymentId",
    ),
    awaitPayment("SUCCEEDED", ["FAILED"]),
  ],
});
