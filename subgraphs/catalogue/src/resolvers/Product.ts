import type { CatalogueContext } from "../context.ts";

interface ProductRow {
  id: string;
  categoryId: string | null;
}

export const Product = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.product.load(ref.id),
  category: (p: ProductRow, _: unknown, ctx: CatalogueContext) =>
    p.categoryId ? ctx.loaders.category.load(p.categoryId) : null,
  variants: (p: ProductRow, _: unknown, ctx: CatalogueContext) =>
    ctx.loaders.variantsByProduct.load(p.id),
};
