import { createPgAdapter } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type IdentityPrisma = PrismaClient;
/** Either the client or an open transaction: repositories work with both. */
export type IdentityDb = PrismaClient | Prisma.TransactionClient;

export function createIdentityPrisma(
  databaseUrl: string,
  opts: { poolSize?: number } = {},
): IdentityPrisma {
  return new PrismaClient({ adapter: createPgAdapter(databaseUrl, { max: opts.poolSize }) });
}
