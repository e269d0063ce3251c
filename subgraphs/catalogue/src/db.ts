import { createPgAdapter } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type CataloguePrisma = PrismaClient;
export type CatalogueDb = PrismaClient | Prisma.TransactionClient;

export function createCataloguePrisma(
  databaseUrl: string,
  opts: { poolSize?: number } = {},
): CataloguePrisma {
  return new PrismaClient({ adapter: createPgAdapter(databaseUrl, { max: opts.poolSize }) });
}
