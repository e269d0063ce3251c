import { requestedBy } from "@shopstream/outbox";
import type { RequestContext } from "@shopstream/service";
import type { InventoryPrisma } from "./db.ts";
import { createInventoryLoaders, type InventoryLoaders } from "./stock/stock.queries.ts";

/** What every inventory command needs: the database and (for tests) the clock. */
export interface InventoryDeps {
  prisma: InventoryPrisma;
  now?: () => Date;
}

/**
 * Interactive-transaction limits for commands on hot rows. A flash sale queues many transactions
 * on one stock item's row lock (and on the pool); Prisma's default 2 s wait for a connection
 * would fail buyers with an internal error instead of letting them queue.
 */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;

export interface InventoryContext extends RequestContext {
  deps: InventoryDeps;
  loaders: InventoryLoaders;
}

export function createContext(deps: InventoryDeps, base: RequestContext): InventoryContext {
  return { ...base, deps, loaders: createInventoryLoaders(deps.prisma) };
}

/** Event metadata for commands issued by this request. */
export function metadataOf(ctx: InventoryContext, idempotencyKey: string | null = null) {
  return requestedBy(ctx, idempotencyKey);
}
