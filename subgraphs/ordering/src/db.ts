import { prismaClientFactory } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type OrderingPrisma = PrismaClient;
/** Either the client or an open transaction: repositories work with both. */
export type OrderingDb = PrismaClient | Prisma.TransactionClient;

export const createOrderingPrisma = prismaClientFactory(PrismaClient);
