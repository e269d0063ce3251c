import { type EventMetadata, requestedBy } from "@shopstream/outbox";
import type { RequestContext } from "@shopstream/service";
import type { OrderingPrisma } from "./db.ts";
import { createOrderingLoaders, type OrderingLoaders } from "./orders/order.queries.ts";

/** What every ordering command needs: the database and, for tests, a clock. */
export interface OrderingDeps {
  prisma: OrderingPrisma;
  now?: () => Date;
}

export interface OrderingContext extends RequestContext {
  prisma: OrderingPrisma;
  deps: OrderingDeps;
  loaders: OrderingLoaders;
}

export function createContext(prisma: OrderingPrisma, base: RequestContext): OrderingContext {
  return { ...base, prisma, deps: { prisma }, loaders: createOrderingLoaders(prisma) };
}

/** Event metadata for commands issued by this request. */
export const metadataOf = (
  ctx: OrderingContext,
  idempotencyKey: string | null = null,
): EventMetadata => requestedBy(ctx, idempotencyKey);
