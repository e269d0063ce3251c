import type { Money } from "@shopstream/money";
import type { PaymentsContext } from "../context.ts";
import type { Payment as PaymentRow } from "../generated/prisma/client.ts";

/** Rows keep amounts in minor units and one currency column; the API answers Money. */
export const moneyOf = (amount: number, currency: string): Money => ({ amount, currency });

export const Payment = {
  __resolveReference: (ref: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.payment.load(ref.id),
  order: (p: PaymentRow) => ({ __typename: "Order", id: p.orderId }),
  amount: (p: PaymentRow) => moneyOf(p.amount, p.currency),
  captured: (p: PaymentRow) => moneyOf(p.captured, p.currency),
  refundable: (p: PaymentRow) => moneyOf(p.captured - p.refundReserved, p.currency),
  refunds: async (p: PaymentRow, _: unknown, ctx: PaymentsContext) =>
    (await ctx.loaders.refundsByPayment.load(p.id)).map((r) => ({
      ...r,
      amount: moneyOf(r.amount, p.currency),
    })),
};
