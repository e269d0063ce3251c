import type { EventMetadata } from "@shopstream/outbox";
import type { RequestContext } from "@shopstream/service";
import type { CataloguePrisma } from "./db.ts";
import { type CatalogueLoaders, createCatalogueLoaders } from "./products/product.queries.ts";

/** What commands need: the database and (for tests) a clock. */
export interface CatalogueDeps {
  prisma: CataloguePrisma;
  now?: () => Date;
}

export interface CatalogueContext extends RequestContext {
  prisma: CataloguePrisma;
  deps: CatalogueDeps;
  loaders: CatalogueLoaders;
}

export function createContext(prisma: CataloguePrisma, base: RequestContext): CatalogueContext {
  return { ...base, prisma, deps: { prisma }, loaders: createCatalogueLoaders(prisma) };
}

/** Event metadata for commands issued by this request. */
export function metadataOf(ctx: CatalogueContext): EventMetadata {
  return {
    correlationId: ctx.correlationId,
    causationId: null,
    idempotencyKey: null,
    actor: ctx.actor,
  };
}
