/**
 * The payments context as other packages use it: the workers run its consumers, tests start its
 * server in-process. Its own process starts from main.ts.
 */

export { paymentsConsumers } from "./consumers.ts";
export { createContext } from "./context.ts";
export { createPaymentsPrisma, type PaymentsPrisma } from "./db.ts";
/** The generated client itself, for tests that construct it with their own options (query logs). */
export { PrismaClient as PaymentsPrismaClient } from "./generated/prisma/client.ts";
export { applyProviderReport } from "./payments/payment-commands.ts";
export { createServer } from "./server.ts";
export { verifyWebhook } from "./webhooks/signature.ts";
