import { createPgAdapter } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type PaymentsPrisma = PrismaClient;
export type PaymentsDb = PrismaClient | Prisma.TransactionClient;

export function createPaymentsPrisma(
  databaseUrl: string,
  opts: { poolSize?: number } = {},
): PaymentsPrisma {
  return new PrismaClient({ adapter: createPgAdapter(databaseUrl, { max: opts.poolSize }) });
}
