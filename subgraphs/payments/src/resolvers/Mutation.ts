import { DomainError } from "@shopstream/errors";
import { assertUuid } from "@shopstream/rules";
import { metadataOf, type PaymentsContext } from "../context.ts";
import type { InvoiceLine } from "../invoices/invoice.ts";
import { changeInvoice, generateInvoice } from "../invoices/invoice-commands.ts";
import { mayReachOrder } from "../orders/order-owners.ts";
import {
  type InitiatePaymentInput,
  initiatePayment,
  requestRefund,
  retryPayment,
} from "../payments/payment-commands.ts";

type Args<T> = { input: T };

/** Mutations answer from the committed state, read back through the loaders. */
export const Mutation = {
  initiatePayment: async (
    _: unknown,
    { input }: Args<InitiatePaymentInput>,
    ctx: PaymentsContext,
  ) => {
    const orderId = assertUuid(input.orderId, "orderId");
    // Ownership of the order is checked here (see `paymentsOwners`): another customer's order, one
    // payments has not heard of yet (no OrderPlaced) and no order at all all answer NOT_FOUND to a
    // customer, so a payment is never started against an order not known to be theirs.
    if (!(await mayReachOrder(ctx, "Mutation.initiatePayment", orderId)))
      throw DomainError.notFound("Order", input.orderId);
    const p = await initiatePayment(ctx.deps, { ...input, orderId }, metadataOf(ctx));
    return ctx.loaders.payment.load(p.id);
  },
  retryPayment: async (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.payment.load((await retryPayment(ctx.deps, assertUuid(id), metadataOf(ctx))).id),
  requestRefund: async (
    _: unknown,
    { paymentId, input }: { paymentId: string } & Args<{ amount: number; reason?: string | null }>,
    ctx: PaymentsContext,
  ) => {
    const id = assertUuid(paymentId, "paymentId");
    return ctx.loaders.payment.load((await requestRefund(ctx.deps, id, input, metadataOf(ctx))).id);
  },
  generateInvoice: async (
    _: unknown,
    args: { orderId: string } & Args<{
      currency: string;
      lines: InvoiceLine[];
      taxRateBps?: number | null;
    }>,
    ctx: PaymentsContext,
  ) => {
    const input = { orderId: assertUuid(args.orderId, "orderId"), ...args.input };
    return ctx.loaders.invoice.load((await generateInvoice(ctx.deps, input, metadataOf(ctx))).id);
  },
  issueInvoice: async (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.invoice.load(
      (await changeInvoice(ctx.deps, assertUuid(id), "issue", metadataOf(ctx))).id,
    ),
  voidInvoice: async (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.invoice.load(
      (await changeInvoice(ctx.deps, assertUuid(id), "void", metadataOf(ctx))).id,
    ),
};
