import type { CatalogueContext } from "../context.ts";
import type { PriceTier, ProductVariant as Variant } from "../variants/product-variant.ts";

export const ProductVariant = {
  __resolveReference: (ref: { id: string }, ctx: CatalogueContext) =>
    ctx.loaders.variant.load(ref.id),
  product: (v: Variant, _: unknown, ctx: CatalogueContext) => ctx.loaders.product.load(v.productId),
  orderable: async (v: Variant, _: unknown, ctx: CatalogueContext) =>
    (await ctx.loaders.product.load(v.productId))?.status === "ACTIVE",
  tierPrices: (v: Variant) =>
    v.tierPrices.map((tp) => ({
      tier: tp.tier,
      price: { amount: tp.amount, currency: v.price.currency },
    })),
  priceForTier: (v: Variant, args: { tier: PriceTier | "STANDARD" }) => {
    const amount = v.tierPrices.find((tp) => tp.tier === args.tier)?.amount;
    return amount === undefined ? v.price : { amount, currency: v.price.currency };
  },
};
