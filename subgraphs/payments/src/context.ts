import type { RequestContext } from "@shopstream/service";
import type { PaymentsPrisma } from "./db.ts";
import { createPaymentsLoaders, type PaymentsLoaders } from "./payments/payment.queries.ts";

export interface PaymentsContext extends RequestContext {
  prisma: PaymentsPrisma;
  loaders: PaymentsLoaders;
}

export function createContext(prisma: PaymentsPrisma, base: RequestContext): PaymentsContext {
  return { ...base, prisma, loaders: createPaymentsLoaders(prisma) };
}

export const metadataOf = (ctx: PaymentsContext) => ({
  correlationId: ctx.correlationId,
  causationId: null,
  idempotencyKey: null,
  actor: ctx.actor,
});
