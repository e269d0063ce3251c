import { prismaClientFactory } from "@shopstream/db";
import { type Prisma, PrismaClient } from "./generated/prisma/client.ts";

export type PaymentsPrisma = PrismaClient;
/** Either the client or an open transaction: repositories work with both. */
export type PaymentsDb = PrismaClient | Prisma.TransactionClient;

export const createPaymentsPrisma = prismaClientFactory(PrismaClient);
