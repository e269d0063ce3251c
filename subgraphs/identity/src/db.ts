import { prismaClientFactory } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type IdentityPrisma = PrismaClient;
/** Either the client or an open transaction: repositories work with both. */
export type IdentityDb = PrismaClient | Prisma.TransactionClient;

export const createIdentityPrisma = prismaClientFactory(PrismaClient);
