import type { EventMetadata } from "@shopstream/outbox";
import type { InventoryPrisma } from "../db.ts";

/** What every inventory command needs: the database and (for tests) the clock. */
export interface CommandDeps {
  prisma: InventoryPrisma;
  now?: () => Date;
}

export type { EventMetadata };

/**
 * Interactive-transaction limits for commands on hot rows. A flash sale queues many transactions
 * on one stock item's row lock (and on the pool); Prisma's default 2 s wait for a connection
 * would fail buyers with an internal error instead of letting them queue.
 */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 } as const;
