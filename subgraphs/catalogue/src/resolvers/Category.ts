import type { Category as CategoryModel } from "../categories/category.ts";
import type { CatalogueContext } from "../context.ts";
import type { ProductStatus } from "../products/product.ts";

export const Category = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.category.load(ref.id),
  parent: (c: CategoryModel, _: unknown, ctx: CatalogueContext) =>
    c.parentId ? ctx.loaders.category.load(c.parentId) : null,
  children: (c: CategoryModel, _: unknown, ctx: CatalogueContext) =>
    ctx.loaders.childrenByCategory.load(c.id),
  products: (
    c: CategoryModel,
    args: { status?: ProductStatus | null; first?: number | null; after?: string | null },
    ctx: CatalogueContext,
  ) =>
    ctx.loaders.productsByCategory.load({
      categoryId: c.id,
      status: args.status ?? null,
      first: args.first ?? null,
      after: args.after ?? null,
    }),
};
