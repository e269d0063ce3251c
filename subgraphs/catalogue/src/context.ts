import type { CommandDeps } from "@shopstream/commands";
import { type EventMetadata, requestedBy } from "@shopstream/outbox";
import type { RequestContext } from "@shopstream/service";
import { categoryLoaders } from "./categories/category.queries.ts";
import type { CatalogueDb, CataloguePrisma } from "./db.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import { productLoaders } from "./products/product.queries.ts";
import { createProductsByCategoryLoader } from "./products/products-by-category.ts";
import { variantLoaders } from "./variants/product-variant.queries.ts";

/** The transaction every catalogue command and repository write runs in. */
export type CatalogueTx = Prisma.TransactionClient;

/** What commands need: the database and (for tests) a clock. */
export interface CatalogueDeps extends CommandDeps<CatalogueTx> {
  prisma: CataloguePrisma;
}

/**
 * Per-request loaders: every nested look-up (variant → product, product → variants, images and
 * category, category → parent, children and products) batches into one query per kind and
 * request, so a page of products costs a constant number of queries whatever its size.
 */
export function createCatalogueLoaders(db: CatalogueDb) {
  const loaders = { ...productLoaders(db), ...variantLoaders(db), ...categoryLoaders(db) };
  return {
    ...loaders,
    productsByCategory: createProductsByCategoryLoader(db, (p) => loaders.product.prime(p.id, p)),
  };
}

export type CatalogueLoaders = ReturnType<typeof createCatalogueLoaders>;

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
  return requestedBy(ctx);
}
