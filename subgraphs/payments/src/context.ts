import type { CommandDeps } from "@shopstream/commands";
import { requestedBy } from "@shopstream/outbox";
import type { RequestContext } from "@shopstream/service";
import type { PaymentsPrisma } from "./db.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import { createInvoiceLoaders } from "./invoices/invoice.queries.ts";
import { createOwnerLoaders } from "./orders/order-owners.ts";
import { createPaymentLoaders } from "./payments/payment.queries.ts";

/** A transaction on the payments database: what repositories and commands write with. */
export type PaymentsTx = Prisma.TransactionClient;

/** What every payments command gets: the database and a clock (tests inject one). */
export type PaymentsDeps = CommandDeps<PaymentsTx> & { prisma: PaymentsPrisma };

export interface PaymentsContext extends RequestContext {
  prisma: PaymentsPrisma;
  deps: PaymentsDeps;
  loaders: PaymentsLoaders;
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;

const createPaymentsLoaders = (prisma: PaymentsPrisma) => ({
  ...createPaymentLoaders(prisma),
  ...createInvoiceLoaders(prisma),
  ...createOwnerLoaders(prisma),
});

export function createContext(prisma: PaymentsPrisma, base: RequestContext): PaymentsContext {
  return { ...base, prisma, deps: { prisma }, loaders: createPaymentsLoaders(prisma) };
}

/** Event metadata for the commands this request issues. */
export const metadataOf = (ctx: PaymentsContext, idempotencyKey: string | null = null) =>
  requestedBy(ctx, idempotencyKey);
