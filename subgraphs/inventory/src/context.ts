import type { RequestContext } from "@shopstream/service";
import type { InventoryPrisma } from "./db.ts";
import { createInventoryLoaders, type InventoryLoaders } from "./stock/stock.queries.ts";

export interface InventoryContext extends RequestContext {
  prisma: InventoryPrisma;
  loaders: InventoryLoaders;
}

export function createContext(prisma: InventoryPrisma, base: RequestContext): InventoryContext {
  return { ...base, prisma, loaders: createInventoryLoaders(prisma) };
}
