import { createPgAdapter } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type PaymentsPrisma = PrismaClient;
export type PaymentsDb = PrismaClient | Prisma.TransactionClient;

export function createPaymentsPrisma(databaseUrl: string): PaymentsPrisma {
  return new PrismaClient({ adapter: createPgAdapter(databaseUrl) });
}
