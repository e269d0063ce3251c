import type { PaymentsContext } from "../context.ts";

interface PaymentRow {
  orderId: string;
  amount: number;
  currency: string;
}

export const Payment = {
  __resolveReference: (ref: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.payment.load(ref.id),
  order: (p: PaymentRow) => ({ __typename: "Order", id: p.orderId }),
  amount: (p: PaymentRow) => ({ amount: p.amount, currency: p.currency }),
};
