import { DomainError } from "@shopstream/errors";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Attributes, ProductStatus } from "../products/product.ts";
import { type ProductVariant, sortTierPrices, type TierPrice } from "./product-variant.ts";

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
    createdAt: row.createdAt.toISOString(),
    updatedAt: (row.updatedAt ?? row.createdAt).toISOString(),
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

export async function loadVariant(db: CatalogueDb, id: string): Promise<ProductVariant | null> {
  const row = await db.productVariant.findUnique({ where: { id } });
  return row ? toVariant(row) : null;
}

export async function insertVariant(tx: Prisma.TransactionClient, v: ProductVariant) {
  await tx.productVariant.create({
    data: { id: v.id, productId: v.productId, ...columns(v), createdAt: new Date(v.createdAt) },
  });
}

/** Saves a changed variant unless it changed since it was loaded (→ CONFLICT). */
export async function saveVariant(
  tx: Prisma.TransactionClient,
  before: ProductVariant,
  after: ProductVariant,
) {
  const updated = await tx.productVariant.updateMany({
    where: { id: before.id, version: before.version },
    data: columns(after),
  });
  if (updated.count === 0) throw DomainError.conflict("productVariant", before.id);
}

/**
 * The parent product's status under a share lock: a status change (which locks the row for
 * update) waits for this transaction, so it sees the variant and never acts on a stale status.
 */
export async function lockParentProduct(tx: Prisma.TransactionClient, productId: string) {
  const rows = await tx.$queryRaw<{ id: string; status: string }[]>`
    SELECT id::text AS id, status::text AS status FROM product WHERE id = ${productId}::uuid FOR SHARE`;
  const row = rows[0];
  return row ? { id: row.id, status: row.status as ProductStatus } : null;
}
