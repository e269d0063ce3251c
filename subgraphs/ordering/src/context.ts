import type { RequestContext } from "@shopstream/service";
import type { OrderingPrisma } from "./db.ts";
import { createOrderingLoaders, type OrderingLoaders } from "./orders/order.queries.ts";

export interface OrderingContext extends RequestContext {
  prisma: OrderingPrisma;
  loaders: OrderingLoaders;
}

export function createContext(prisma: OrderingPrisma, base: RequestContext): OrderingContext {
  return { ...base, prisma, loaders: createOrderingLoaders(prisma) };
}
