import { type Journey, need, op, step } from "../../harness/journey.ts";
import { awaitPayment, initiateStep, newOrderId } from "./payment-steps.ts";

/** Failure → retry → success: the first attempt is declined, the retry succeeds. */
export const paymentRetry = (): Journey => ({
  name: "payments.payment-retry",
  context: "payments",
  steps: [
    newOrderId,
    step("provider /script", (c) =>
      c.script({ orderId: need(c, "orderId") }, [
        { outcome: "fail", reason: "card declined" },
        { outcome: "succeed" },
      ]),
    ),
    initiateStep,
    awaitPayment("FAILED", ["SUCCEEDED"]),
    op(
      "RetryPayment",
      `mutation RetryPayment($id: ID!) { retryPayment(id: $id) { id status attempts } }`,
      (c) => ({
        id: need(c, "paymentId"),
      }),
    ),
    awaitPayment("SUCCEEDED", ["FAILED"]),
  ],
});
