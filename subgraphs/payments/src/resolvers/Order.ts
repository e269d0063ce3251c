import type { PaymentsContext } from "../context.ts";

/** Payments' contribution to the ordering context's `Order` entity. */
export const Order = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  payments: (o: { id: string }, _: unknown, ctx: PaymentsContext) =>
    ctx.loaders.paymentsByOrder.load(o.id),
  invoice: async (o: { id: string }, _: unknown, ctx: PaymentsContext) =>
    (await ctx.loaders.openInvoiceByOrder.load(o.id))[0] ?? null,
};
