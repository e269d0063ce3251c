import { assertUuid } from "@shopstream/rules";
import { metadataOf, type PaymentsContext } from "../context.ts";
import type { InvoiceLine } from "../invoices/invoice.ts";
import { changeInvoice, generateInvoice } from "../invoices/invoice-commands.ts";
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
    const p = await initiatePayment(
      ctx,
      { ...input, orderId: assertUuid(input.orderId, "orderId") },
      metadataOf(ctx),
    );
    return ctx.loaders.payment.load(p.id);
  },
  retryPayment: async (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.payment.load((await retryPayment(ctx, assertUuid(id), metadataOf(ctx))).id),
  requestRefund: async (
    _: unknown,
    { paymentId, input }: { paymentId: string } & Args<{ amount: number; reason?: string | null }>,
    ctx: PaymentsContext,
  ) =>
    ctx.loaders.payment.load(
      (await requestRefund(ctx, assertUuid(paymentId, "paymentId"), input, metadataOf(ctx))).id,
    ),
  generateInvoice: async (
    _: unknown,
    {
      orderId,
      input,
    }: { orderId: string } & Args<{
      currency: string;
      lines: InvoiceLine[];
      taxRateBps?: number | null;
    }>,
    ctx: PaymentsContext,
  ) =>
    ctx.loaders.invoice.load(
      (
        await generateInvoice(
          ctx.prisma,
          { orderId: assertUuid(orderId, "orderId"), ...input },
          metadataOf(ctx),
        )
      ).id,
    ),
  issueInvoice: async (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.invoice.load(
      (await changeInvoice(ctx.prisma, assertUuid(id), "issue", metadataOf(ctx))).id,
    ),
  voidInvoice: async (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.invoice.load(
      (await changeInvoice(ctx.prisma, assertUuid(id), "void", metadataOf(ctx))).id,
    ),
};
