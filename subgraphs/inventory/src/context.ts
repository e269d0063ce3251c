import type { RequestContext } from "@shopstream/service";
import type { InventoryPrisma } from "./db.ts";
import type { CommandDeps } from "./shared/command.ts";
import { createInventoryLoaders, type InventoryLoaders } from "./stock/stock.queries.ts";

export type InventoryDeps = CommandDeps & { prisma: InventoryPrisma };

export interface InventoryContext extends RequestContext {
  deps: InventoryDeps;
  loaders: InventoryLoaders;
}

export function createContext(deps: InventoryDeps, base: RequestContext): InventoryContext {
  return { ...base, deps, loaders: createInventoryLoaders(deps.prisma) };
}

/** Event metadata for commands issued by this request. */
export function metadataOf(ctx: InventoryContext, idempotencyKey: string | null = null) {
  return { correlationId: ctx.correlationId, causationId: null, idempotencyKey, actor: ctx.actor };
}
