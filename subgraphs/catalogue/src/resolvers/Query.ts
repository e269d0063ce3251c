import { assertUuid } from "@shopstream/rules";
import { type CategoriesArgs, listCategories } from "../categories/category.queries.ts";
import type { CatalogueContext } from "../context.ts";
import {
  findProductBySku,
  type ProductsArgs,
  searchProducts,
} from "../products/product.queries.ts";

export const Query = {
  product: (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.product.load(assertUuid(id)),
  productBySku: (_: unknown, { sku }: { sku: string }, ctx: CatalogueContext) =>
    findProductBySku(ctx.prisma, sku),
  productVariant: (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.variant.load(assertUuid(id)),
  category: (_: unknown, { id }: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.category.load(assertUuid(id)),
  products: (_: unknown, args: ProductsArgs, ctx: CatalogueContext) =>
    searchProducts(ctx.prisma, args, ctx.loaders),
  categories: (_: unknown, args: CategoriesArgs, ctx: CatalogueContext) =>
    listCategories(ctx.prisma, args),
};
