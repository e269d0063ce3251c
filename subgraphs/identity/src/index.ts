/**
 * The identity context as other packages use it: the workers run its consumers, tests start its
 * server in-process. Its own process starts from main.ts.
 */

export { identityConsumers } from "./consumers.ts";
export { createContext } from "./context.ts";
export { createIdentityPrisma, type IdentityPrisma } from "./db.ts";
/** The generated client itself, for tests that construct it with their own options (query logs). */
export { PrismaClient as IdentityPrismaClient } from "./generated/prisma/client.ts";
export { createServer } from "./server.ts";
