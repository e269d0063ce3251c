import type { RequestContext } from "@shopstream/service";
import type { OrderingPrisma } from "./db.ts";
import { createOrderingLoaders, type OrderingLoaders } from "./orders/order.queries.ts";
import type { CommandDeps } from "./orders/order-commands.deps.ts";

export interface OrderingContext extends RequestContext {
  prisma: OrderingPrisma;
  deps: CommandDeps;
  loaders: OrderingLoaders;
}

export function createContext(prisma: OrderingPrisma, base: RequestContext): OrderingContext {
  return { ...base, prisma, deps: { prisma }, loaders: createOrderingLoaders(prisma) };
}

/** Event metadata for commands issued by this request. */
export function metadataOf(ctx: OrderingContext, idempotencyKey: string | null = null) {
  return { correlationId: ctx.correlationId, causationId: null, idempotencyKey, actor: ctx.actor };
}
