import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

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
 * How long a subgraph's query outside an interactive transaction may wait for a free connection
 * (`DATABASE_ACQUIRE_TIMEOUT_MS`) before it fails as "database busy" (SERVICE_UNAVAILABLE). Off
 * (0: wait as pg does) by default, because the same pool serves the read that answers a mutation
 * AFTER its command committed: refusing that read as retryable told the client "nothing was done"
 * about a write that was done (seen: a retried confirmOrder found its order already CONFIRMED,
 * and a retried receiveStock would add the stock twice). Bursts are bounded before any write
 * instead: by the gateway's admission control and by each command transaction's `maxWait`.
 * Set it only where every mutation answers from what it wrote (as placeOrder does).
 */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 0;

export interface PoolOptions {
  max?: number;
  /** See DEFAULT_ACQUIRE_TIMEOUT_MS; absent: wait as long as it takes. */
  acquireTimeoutMs?: number;
}

/** The pg pool every context's Prisma client runs on (and its one-statement hot paths). */
export function createPgPool(connectionString: string, opts: PoolOptions = {}): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: opts.max ?? DEFAULT_POOL_SIZE,
    idleTimeoutMillis: POOL_IDLE_TIMEOUT_MS,
    ...(opts.acquireTimeoutMs ? { connectionTimeoutMillis: opts.acquireTimeoutMs } : {}),
  });
}

/**
 * The Prisma driver adapter every context uses, for real PostgreSQL and embedded PGlite alike
 * (PGlite is reached over TCP through pglite-socket, so the same `pg` path is exercised).
 */
export function createPgAdapter(source: string | pg.Pool, opts: PoolOptions = {}): PrismaPg {
  const pool = typeof source === "string" ? createPgPool(source, opts) : source;
  return new PrismaPg(pool, { disposeExternalPool: true });
}

const pools = new WeakMap<object, pg.Pool>();

/**
 * Records that `client` runs on `pool` (its adapter's), for `sqlPoolOf`. `prismaClientFactory`
 * does it; a test that builds a client itself (with Prisma's query log, say) does it too.
 */
export function attachSqlPool<C extends object>(client: C, pool: pg.Pool): C {
  pools.set(client, pool);
  return client;
}

/**
 * The pg pool under a client made by `prismaClientFactory`. For a hot path that does its job in
 * one SQL statement (a named, prepared one): it shares the client's connections — one bound on
 * the process's connections, not two — and skips Prisma's per-query work (query compilation and
 * interpretation, an interactive transaction's BEGIN/COMMIT round trips), which the profile of
 * `placeOrder` showed as most of the ordering subgraph's CPU.
 */
export function sqlPoolOf(client: object): pg.Pool {
  const pool = pools.get(client);
  if (!pool)
    throw new Error("sqlPoolOf: no pool attached (make the client with prismaClientFactory)");
  return pool;
}

/** How a context's Prisma client is made: its generated class over the shared adapter. */
export function prismaClientFactory<C extends object>(
  PrismaClient: new (options: { adapter: PrismaPg }) => C,
): (databaseUrl: string, opts?: { poolSize?: number; acquireTimeoutMs?: number }) => C {
  return (databaseUrl, opts = {}) => {
    const pool = createPgPool(databaseUrl, {
      max: opts.poolSize,
      acquireTimeoutMs: opts.acquireTimeoutMs,
    });
    return attachSqlPool(new PrismaClient({ adapter: createPgAdapter(pool) }), pool);
  };
}
