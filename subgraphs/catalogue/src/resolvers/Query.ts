import { assertUuid } from "@shopstream/service";
import type { CatalogueContext } from "../context.ts";
import { findProductBySku } from "../products/product.queries.ts";

export const Query = {
  product: (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.product.load(assertUuid(id)),
  productBySku: (_: unknown, { sku }: { sku: string }, ctx: CatalogueContext) =>
    findProductBySku(ctx.prisma, sku),
  productVariant: (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.variant.load(assertUuid(id)),
  category: (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.category.load(assertUuid(id)),
};
