/**
 * The catalogue context as other packages use it: the workers run its consumers, tests start its
 * server in-process. Its own process starts from main.ts.
 */
export { createContext } from "./context.ts";
export { type CataloguePrisma, createCataloguePrisma } from "./db.ts";
/** The generated client itself, for tests that construct it with their own options (query logs). */
export { PrismaClient as CataloguePrismaClient } from "./generated/prisma/client.ts";
export { createServer } from "./server.ts";
