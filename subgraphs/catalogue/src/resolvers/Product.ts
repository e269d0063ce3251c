import type { CatalogueContext } from "../context.ts";
import type { ProductRecord } from "../products/product.ts";
import { categoryOf } from "./Category.ts";

export const Product = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.product.load(ref.id),
  category: (p: ProductRecord, _: unknown, ctx: CatalogueContext) => categoryOf(p.categoryId, ctx),
  variants: (p: ProductRecord, _: unknown, ctx: CatalogueContext) =>
    ctx.loaders.variantsByProduct.load(p.id),
  images: (p: ProductRecord, _: unknown, ctx: CatalogueContext) =>
    ctx.loaders.imagesByProduct.load(p.id),
  primaryImage: async (p: ProductRecord, _: unknown, ctx: CatalogueContext) =>
    (await ctx.loaders.imagesByProduct.load(p.id)).find((i) => i.isPrimary) ?? null,
};
