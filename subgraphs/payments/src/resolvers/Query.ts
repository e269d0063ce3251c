import { assertUuid } from "@shopstream/rules";
import type { PaymentsContext } from "../context.ts";

export const Query = {
  payment: (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.payment.load(assertUuid(id)),
  invoice: (_: unknown, { id }: { id: string }, ctx: PaymentsContext) =>
    ctx.loaders.invoice.load(assertUuid(id)),
};
