/**
 * The ordering context as other packages use it: the workers run its consumers, tests start its
 * server in-process. Its own process starts from main.ts.
 */

export { orderingConsumers, orderingScheduledTasks } from "./consumers.ts";
export { createContext } from "./context.ts";
export { createOrderingPrisma, type OrderingPrisma } from "./db.ts";
/** The generated client itself, for tests that construct it with their own options (query logs). */
export { PrismaClient as OrderingPrismaClient } from "./generated/prisma/client.ts";
export { findVariantPrices } from "./pricing/price-view.repository.ts";
export { createServer } from "./server.ts";
