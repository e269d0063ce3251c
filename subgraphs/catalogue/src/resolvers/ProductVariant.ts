import type { CatalogueContext } from "../context.ts";

interface VariantRow {
  productId: string;
  priceAmount: number;
  currency: string;
}

export const ProductVariant = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.variant.load(ref.id),
  price: (v: VariantRow) => ({ amount: v.priceAmount, currency: v.currency }),
  product: (v: VariantRow, _: unknown, ctx: CatalogueContext) =>
    ctx.loaders.product.load(v.productId),
};
