import { assertUuid } from "@shopstream/rules";
import { type CategoriesArgs, listCategories } from "../categories/category.queries.ts";
import type { CatalogueContext } from "../context.ts";
import {
  findProductBySku,
  type ProductsArgs,
  searchProducts,
} from "../products/product.queries.ts";
import {
  PUBLIC_PRODUCT_STATUS,
  seesWholeCatalogue,
  visibleCategory,
  visibleProduct,
} from "../shared/visibility.ts";

// Callers without a catalogue role see ACTIVE products and active categories only
// (shared/visibility.ts): anything else is answered as a missing id is, or left out of a list.
export const Query = {
  product: async (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    visibleProduct(ctx.principal, await ctx.loaders.product.load(assertUuid(id))),
  productBySku: async (_: unknown, { sku }: { sku: string }, ctx: CatalogueContext) =>
    visibleProduct(ctx.principal, await findProductBySku(ctx.prisma, sku)),
  productVariant: async (_: unknown, { id }: { id: string }, ctx: CatalogueContext) => {
    const variant = await ctx.loaders.variant.load(assertUuid(id));
    if (!variant || seesWholeCatalogue(ctx.principal)) return variant;
    return visibleProduct(ctx.principal, await ctx.loaders.product.load(variant.productId))
      ? variant
      : null;
  },
  category: async (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    visibleCategory(ctx.principal, await ctx.loaders.category.load(assertUuid(id))),
  // A `filter.status` other than ACTIVE is not refused: it lists nothing, as a status no product
  // has would. Refusing it would tell a caller that such products exist.
  products: (_: unknown, args: ProductsArgs, ctx: CatalogueContext) =>
    searchProducts(
      ctx.prisma,
      args,
      ctx.loaders,
      seesWholeCatalogue(ctx.principal) ? null : PUBLIC_PRODUCT_STATUS,
    ),
  // `includeInactive` is a catalogue role's view; for anyone else it is ignored.
  categories: (_: unknown, args: CategoriesArgs, ctx: CatalogueContext) =>
    listCategories(ctx.prisma, {
      ...args,
      includeInactive: seesWholeCatalogue(ctx.principal) ? args.includeInactive : false,
    }),
};
