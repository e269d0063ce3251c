import { type Journey, need, StepError, step } from "../../harness/journey.ts";
import { awaitPayment, FINANCE, readPayment, scriptedChargeSteps } from "./payment-steps.ts";

/** Refund: a succeeded payment, a partial refund, then the rest → REFUNDED. */
export const paymentRefund = (): Journey => ({
  name: "payments.payment-refund",
  context: "payments",
  steps: [
    ...scriptedChargeSteps([{ outcome: "succeed" }]),
    awaitPayment("SUCCEEDED", ["FAILED"]),
    ...[0, 1].map((i) =>
      step("RequestRefund", FINANCE, async (c) => {
        const amount = need<number>(c, "amount");
        const part = i === 0 ? Math.floor(amount / 2) : amount - Math.floor(amount / 2);
        await c.gql(
          "RequestRefund",
          `mutation RequestRefund($id: ID!, $input: RequestRefundInput!) { requestRefund(paymentId: $id, input: $input) { id status } }`,
          {
            id: need(c, "paymentId"),
            input: { amount: part, reason: i === 0 ? "partial" : "rest" },
          },
        );
      }),
    ),
    step("await REFUNDED", FINANCE, async (c) => {
      const p = await c.until(
        "payment to be REFUNDED",
        () => readPayment(c),
        (p) => p.status === "REFUNDED",
      );
      if (p.refunds.some((r) => r.status !== "COMPLETED"))
        throw new StepError("REFUND_INCOMPLETE", "a refund is not completed");
    }),
  ],
});
