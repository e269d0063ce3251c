import { connectionOf, parsePage } from "@shopstream/connection";
import type { Category as CategoryModel } from "../categories/category.ts";
import type { CatalogueContext } from "../context.ts";
import { productCursors } from "../products/product.queries.ts";
import type { ProductStatus } from "../products/product.ts";
import { PUBLIC_PRODUCT_STATUS, seesWholeCatalogue } from "../shared/visibility.ts";

/** A category reference (a parent, a product's category), or null without one. */
export const categoryOf = (id: string | null, ctx: CatalogueContext) =>
  id ? ctx.loaders.category.load(id) : null;

export const Category = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) => categoryOf(ref.id, ctx),
  parent: (c: CategoryModel, _: unknown, ctx: CatalogueContext) => categoryOf(c.parentId, ctx),
  // The lists under a category show callers without a catalogue role what `Query.categories`
  // and `Query.products` show them: active categories, ACTIVE products (shared/visibility.ts).
  children: async (c: CategoryModel, _: unknown, ctx: CatalogueContext) => {
    const children = await ctx.loaders.childrenByCategory.load(c.id);
    return seesWholeCatalogue(ctx.principal) ? children : children.filter((child) => child.active);
  },
  products: (
    c: CategoryModel,
    args: { status?: ProductStatus | null; first?: number | null; after?: string | null },
    ctx: CatalogueContext,
  ) => {
    let status = args.status ?? null;
    if (!seesWholeCatalogue(ctx.principal)) {
      if (status !== null && status !== PUBLIC_PRODUCT_STATUS) {
        // Another status lists nothing (the page arguments are still checked as usual).
        parsePage({ first: args.first, after: args.after }, productCursors);
        return connectionOf([], { hasNextPage: false, hasPreviousPage: false, totalCount: 0 });
      }
      status = PUBLIC_PRODUCT_STATUS;
    }
    return ctx.loaders.productsByCategory.load({
      categoryId: c.id,
      status,
      first: args.first ?? null,
      after: args.after ?? null,
    });
  },
};
