import type { RequestContext } from "@shopstream/service";
import type { CataloguePrisma } from "./db.ts";
import { type CatalogueLoaders, createCatalogueLoaders } from "./products/product.queries.ts";

export interface CatalogueContext extends RequestContext {
  prisma: CataloguePrisma;
  loaders: CatalogueLoaders;
}

export function createContext(prisma: CataloguePrisma, base: RequestContext): CatalogueContext {
  return { ...base, prisma, loaders: createCatalogueLoaders(prisma) };
}
