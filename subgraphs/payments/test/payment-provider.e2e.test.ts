import { newId } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { e2eShop } from "@shopstream/testing/e2e-shop";
import { pollUntil } from "@shopstream/testing/kit";
import { describe, expect, inject, it } from "vitest";

// The whole payment loop through the running stack: the mutation commits a payment and its
// event; the workers send the charge to the simulated provider (its own process); the provider
// answers the payments webhook over HTTP, signed; the payment changes state.
// The order id is made up (payments knows orders by id only): no customer owns it, so finance,
// who may pay, retry and refund any order, takes the steps.
const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
const finance = shop.as("finance");
const mutate = finance.ok;

const paymentUntil = (id: string, done: (p: PaymentView) => boolean) =>
  pollUntil(
    `payment ${id}`,
    async () =>
      (
        await finance.ok<{ payment: PaymentView }>(
          `query($id: ID!) { payment(id: $id) { status attempts captured { amount } refundable { amount } refunds { status amount { amount } } } }`,
          { id },
        )
      ).payment,
    done,
  );

interface PaymentView {
  status: string;
  attempts: number;
  captured: { amount: number };
  refundable: { amount: number };
  refunds: { status: string; amount: { amount: number } }[];
}

describe("payments with the simulated provider", () => {
  it("fails, is retried and succeeds, then refunds through the provider's webhooks", async () => {
    const orderId = newId();
    await shop.scriptPayment({ orderId }, [
      { outcome: "fail", reason: "insufficient funds" },
      { outcome: "succeed" },
    ]);

    const { initiatePayment } = await mutate<{ initiatePayment: { id: string; status: string } }>(
      `mutation($input: InitiatePaymentInput!) { initiatePayment(input: $input) { id status } }`,
      {
        input: {
          orderId,
          amount: { amount: 2_500, currency: "EUR" },
          idempotencyKey: unique("e2e-pay"),
        },
      },
    );
    expect(initiatePayment.status).toBe("PENDING");
    const failed = await paymentUntil(initiatePayment.id, (p) => p.status !== "PENDING");
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1, captured: { amount: 0 } });

    await mutate(`mutation($id: ID!) { retryPayment(id: $id) { status } }`, {
      id: initiatePayment.id,
    });
    const paid = await paymentUntil(initiatePayment.id, (p) => p.status === "SUCCEEDED");
    expect(paid).toMatchObject({
      attempts: 2,
      captured: { amount: 2_500 },
      refundable: { amount: 2_500 },
    });

    await mutate(
      `mutation($id: ID!) { requestRefund(paymentId: $id, input: { amount: 500, reason: "late" }) { status } }`,
      {
        id: initiatePayment.id,
      },
    );
    const refunded = await paymentUntil(
      initiatePayment.id,
      (p) => p.status === "PARTIALLY_REFUNDED",
    );
    expect(refunded).toMatchObject({
      refundable: { amount: 2_000 },
      refunds: [{ status: "COMPLETED", amount: { amount: 500 } }],
    });
  });
});
