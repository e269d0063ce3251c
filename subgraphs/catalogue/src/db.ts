import { prismaClientFactory } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type CataloguePrisma = PrismaClient;
/** Either the client or an open transaction: repositories work with both. */
export type CatalogueDb = PrismaClient | Prisma.TransactionClient;

export const createCataloguePrisma = prismaClientFactory(PrismaClient);
