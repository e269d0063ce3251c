import type { PaymentsContext } from "../context.ts";
import { mayReachOrder } from "../orders/order-owners.ts";

/**
 * Payments' contribution to the ordering context's `Order` entity. Ownership is checked here
 * (see `paymentsOwners`): a customer sees an order's payments and invoice only once payments
 * knows the order is theirs; any other order reads as one without payments, as an unknown id.
 */
export const Order = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  payments: async (o: { id: string }, _: unknown, ctx: PaymentsContext) =>
    (await mayReachOrder(ctx, "Entity.Order", o.id)) ? ctx.loaders.paymentsByOrder.load(o.id) : [],
  invoice: async (o: { id: string }, _: unknown, ctx: PaymentsContext) =>
    (await mayReachOrder(ctx, "Entity.Order", o.id))
      ? ((await ctx.loaders.openInvoiceByOrder.load(o.id))[0] ?? null)
      : null,
};
