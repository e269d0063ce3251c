import { PrismaPg } from "@prisma/adapter-pg";

/**
 * Connections one process may open to one context's database (`DATABASE_POOL_SIZE`). The stack's
 * processes share one PostgreSQL server, whose default limit is 100 connections, so the pools
 * must fit it together: five subgraphs and the workers' four consumer pools make 9 × this, plus
 * 20 for the workers' relays, their listeners and readiness checks — 74 with the default of 6,
 * leaving room for migrations, an operator's psql and a second workers process scaling up. With
 * `CONSUMER_CONCURRENCY` jobs per consumer, surplus jobs wait for a connection rather than open
 * one; when every process asked for more, a burst (a flash sale) made PostgreSQL refuse
 * connections ("too many clients") and requests failed.
 */
export const DEFAULT_POOL_SIZE = 6;

/**
 * How long an unused connection stays open. Short, so a context that went quiet (identity after a
 * burst of registrations) hands its share of the server back to the busy ones.
 */
export const POOL_IDLE_TIMEOUT_MS = 2_000;

/**
 * The Prisma driver adapter every context uses, for real PostgreSQL and embedded PGlite alike
 * (PGlite is reached over TCP through pglite-socket, so the same `pg` path is exercised).
 */
export function createPgAdapter(connectionString: string, opts: { max?: number } = {}): PrismaPg {
  return new PrismaPg({
    connectionString,
    max: opts.max ?? DEFAULT_POOL_SIZE,
    idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
  });
}

/** How a context's Prisma client is made: its generated class over the shared adapter. */
export function prismaClientFactory<C>(
  PrismaClient: new (options: { adapter: PrismaPg }) => C,
): (databaseUrl: string, opts?: { poolSize?: number }) => C {
  return (databaseUrl, opts = {}) =>
    new PrismaClient({ adapter: createPgAdapter(databaseUrl, { max: opts.poolSize }) });
}
