import { createPgAdapter } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type OrderingPrisma = PrismaClient;
export type OrderingDb = PrismaClient | Prisma.TransactionClient;

export function createOrderingPrisma(
  databaseUrl: string,
  opts: { poolSize?: number } = {},
): OrderingPrisma {
  return new PrismaClient({ adapter: createPgAdapter(databaseUrl, { max: opts.poolSize }) });
}
