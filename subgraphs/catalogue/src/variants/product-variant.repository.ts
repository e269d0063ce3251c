import type { AggregateStore, NewAggregateStore } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import type { CatalogueTx } from "../context.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Attributes, ProductStatus } from "../products/product.ts";
import { timestamps, updateIfUnchanged } from "../shared/rows.ts";
import {
  type ParentProduct,
  type ProductVariant,
  sortTierPrices,
  type TierPrice,
} from "./product-variant.ts";

type VariantRow = Prisma.ProductVariantGetPayload<object>;

/** Tier prices live in one column per tier, so the database can check each against the price. */
export function toVariant(row: VariantRow): ProductVariant {
  const tiers: TierPrice[] = [];
  if (row.silverPrice !== null) tiers.push({ tier: "SILVER", amount: row.silverPrice });
  if (row.goldPrice !== null) tiers.push({ tier: "GOLD", amount: row.goldPrice });
  if (row.platinumPrice !== null) tiers.push({ tier: "PLATINUM", amount: row.platinumPrice });
  return {
    id: row.id,
    productId: row.productId,
    variantSku: row.variantSku,
    attributes: (row.attributes ?? {}) as Attributes,
    price: { amount: row.priceAmount, currency: row.currency },
    tierPrices: sortTierPrices(tiers),
    weightGrams: row.weightGrams,
    dimensions:
      row.lengthMm !== null && row.widthMm !== null && row.heightMm !== null
        ? { lengthMm: row.lengthMm, widthMm: row.widthMm, heightMm: row.heightMm }
        : null,
    version: row.version,
    ...timestamps(row),
  };
}

function columns(v: ProductVariant) {
  const tier = (t: TierPrice["tier"]) => v.tierPrices.find((tp) => tp.tier === t)?.amount ?? null;
  return {
    variantSku: v.variantSku,
    attributes: v.attributes as Prisma.InputJsonObject,
    priceAmount: v.price.amount,
    currency: v.price.currency,
    silverPrice: tier("SILVER"),
    goldPrice: tier("GOLD"),
    platinumPrice: tier("PLATINUM"),
    weightGrams: v.weightGrams,
    lengthMm: v.dimensions?.lengthMm ?? null,
    widthMm: v.dimensions?.widthMm ?? null,
    heightMm: v.dimensions?.heightMm ?? null,
    version: v.version,
    updatedAt: new Date(v.updatedAt),
  };
}

/** The ProductVariant aggregate (its own version, apart from its product's). */
export const variantStore: AggregateStore<ProductVariant, CatalogueTx> &
  NewAggregateStore<ProductVariant, CatalogueTx> = {
  entity: "ProductVariant",
  async load(tx, id) {
    const row = await tx.productVariant.findUnique({ where: { id } });
    return row ? toVariant(row) : null;
  },
  save: (tx, before, after) =>
    updateIfUnchanged((args) => tx.productVariant.updateMany(args), before, columns(after)),
  async insert(tx, v) {
    await tx.productVariant.create({
      data: { id: v.id, productId: v.productId, ...columns(v), createdAt: new Date(v.createdAt) },
    });
  },
};

/**
 * The parent product's status under a share lock (NOT_FOUND when there is none): a status change
 * (which locks the row for update) waits for this transaction, so it sees the variant and never
 * acts on a stale status.
 */
export async function lockParentProduct(
  tx: CatalogueTx,
  productId: string,
): Promise<ParentProduct> {
  const rows = await tx.$queryRaw<{ id: string; status: string }[]>`
    SELECT id::text AS id, status::text AS status FROM product WHERE id = ${productId}::uuid FOR SHARE`;
  const row = rows[0];
  if (!row) throw DomainError.notFound("Product", productId);
  return { id: row.id, status: row.status as ProductStatus };
}
