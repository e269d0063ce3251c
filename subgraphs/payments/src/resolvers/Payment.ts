import type { PaymentsContext } from "../context.ts";

interface PaymentRow {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  captured: number;
  refundReserved: number;
}

export const Payment = {
  __resolveReference: (ref: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.payment.load(ref.id),
  order: (p: PaymentRow) => ({ __typename: "Order", id: p.orderId }),
  amount: (p: PaymentRow) => ({ amount: p.amount, currency: p.currency }),
  captured: (p: PaymentRow) => ({ amount: p.captured, currency: p.currency }),
  refundable: (p: PaymentRow) => ({ amount: p.captured - p.refundReserved, currency: p.currency }),
  refunds: async (p: PaymentRow, _: unknown, ctx: PaymentsContext) =>
    (await ctx.loaders.refundsByPayment.load(p.id)).map((r) => ({
      ...r,
      amount: { amount: r.amount, currency: p.currency },
    })),
};
