import { randomUUID } from "node:crypto";
import { staff } from "../../harness/client.ts";
import { type JourneyContext, need, type Step, StepError, step } from "../../harness/journey.ts";
import type { PaymentOutcome } from "../../harness/provider.ts";

/**
 * Payments journeys charge an order id of their own: payments knows orders only by id, so a
 * payment needs no order in ordering, and the provider can be scripted by that id before the
 * charge is sent. With no customer's order behind it, the work is finance's (who may pay, refund
 * and invoice any order); customers paying their own orders are the ordering journeys'.
 */

/** Finance: payments, refunds and invoices of any order. */
export const FINANCE = staff("finance");

export const INITIATE = `mutation InitiatePayment($input: InitiatePaymentInput!) { initiatePayment(input: $input) { id status } }`;
export const PAYMENT = `query PaymentState($id: ID!) { payment(id: $id) { id status attempts captured { amount } refundable { amount } refunds { id status } } }`;

export interface PaymentState {
  id: string;
  status: string;
  attempts: number;
  captured: { amount: number };
  refundable: { amount: number };
  refunds: { id: string; status: string }[];
}

export const newOrderId = step("new order id", FINANCE, async (c) => {
  c.state.orderId = randomUUID();
  c.state.amount = 1000 + Math.floor(c.random() * 9000);
});

export const initiateStep = step("InitiatePayment", FINANCE, async (c) => {
  const d = await c.gql<{ initiatePayment: { id: string } }>("InitiatePayment", INITIATE, {
    input: {
      orderId: need(c, "orderId"),
      amount: { amount: need<number>(c, "amount"), currency: "EUR" },
      idempotencyKey: c.unique("pay"),
    },
  });
  c.state.paymentId = d.initiatePayment.id;
});

export async function readPayment(c: JourneyContext): Promise<PaymentState> {
  const d = await c.gql<{ payment: PaymentState | null }>("PaymentState", PAYMENT, {
    id: need(c, "paymentId"),
  });
  if (!d.payment) throw new StepError("NOT_FOUND", "payment not readable");
  return d.payment;
}

export const awaitPayment = (status: string, fail: string[] = []) =>
  step(`await ${status}`, FINANCE, async (c) => {
    const p = await c.until(
      `payment to be ${status}`,
      () => readPayment(c),
      (p) => p.status === status || fail.includes(p.status),
    );
    if (p.status !== status)
      throw new StepError(`PAYMENT_${p.status}`, `payment ended ${p.status}`);
  });

/**
 * The opening of every payments journey: a fresh order id, the provider scripted with `outcomes`
 * for it (one per charge attempt), then the charge.
 */
export const scriptedChargeSteps = (outcomes: PaymentOutcome[]): Step[] => [
  newOrderId,
  step("provider /script", FINANCE, (c) => c.script({ orderId: need(c, "orderId") }, outcomes)),
  initiateStep,
];
