import { prismaClientFactory } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type InventoryPrisma = PrismaClient;
/** Either the client or an open transaction: repositories work with both. */
export type InventoryDb = PrismaClient | Prisma.TransactionClient;
/** An open transaction: what commands, stores and consumer handlers write through. */
export type InventoryTx = Prisma.TransactionClient;

export const createInventoryPrisma = prismaClientFactory(PrismaClient);
