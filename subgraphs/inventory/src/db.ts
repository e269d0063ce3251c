import { createPgAdapter } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type InventoryPrisma = PrismaClient;
export type InventoryDb = PrismaClient | Prisma.TransactionClient;

export function createInventoryPrisma(
  databaseUrl: string,
  opts: { poolSize?: number } = {},
): InventoryPrisma {
  return new PrismaClient({ adapter: createPgAdapter(databaseUrl, { max: opts.poolSize }) });
}
