import type { Category as CategoryModel } from "../categories/category.ts";
import type { CatalogueContext } from "../context.ts";
import type { ProductStatus } from "../products/product.ts";

/** A category reference (a parent, a product's category), or null without one. */
export const categoryOf = (id: string | null, ctx: CatalogueContext) =>
  id ? ctx.loaders.category.load(id) : null;

export const Category = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) => categoryOf(ref.id, ctx),
  parent: (c: CategoryModel, _: unknown, ctx: CatalogueContext) => categoryOf(c.parentId, ctx),
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
