import type { OrderingDb } from "../db.ts";
import type { PriceViewChange, TierPrice, VariantPrice } from "./price-view.ts";

/**
 * Applies one change. Each write only lands when it is newer than what the view holds (the
 * event pipeline already applies an aggregate's events once and in order; this keeps the view
 * correct even if it is rebuilt from a replay).
 */
export async function applyPriceViewChange(
  db: OrderingDb,
  change: PriceViewChange,
  now: Date,
): Promise<void> {
  switch (change.kind) {
    case "variant-upsert": {
      const f = change.fields;
      await db.$executeRaw`
        INSERT INTO variant_price_view (variant_id, product_id, variant_sku, currency, amount, tier_prices,
                                        initial_product_status, version, updated_at)
        VALUES (${change.variantId}::uuid, ${f.productId}::uuid, ${f.variantSku}, ${f.price.currency}, ${f.price.amount},
                ${JSON.stringify(f.tierPrices)}::jsonb, ${f.initialProductStatus}, ${change.version}, ${now})
        ON CONFLICT (variant_id) DO NOTHING`;
      return;
    }
    case "variant-price": {
      await db.variantPriceView.updateMany({
        where: { variantId: change.variantId, version: { lt: change.version } },
        data: {
          ...(change.price ? { amount: change.price.amount, currency: change.price.currency } : {}),
          tierPrices: change.tierPrices as unknown as object,
          version: change.version,
          updatedAt: now,
        },
      });
      return;
    }
    case "product-status": {
      await db.$executeRaw`
        INSERT INTO product_status_view (product_id, status, version, updated_at)
        VALUES (${change.productId}::uuid, ${change.status}, ${change.version}, ${now})
        ON CONFLICT (product_id) DO UPDATE SET status = EXCLUDED.status, version = EXCLUDED.version,
          updated_at = EXCLUDED.updated_at
        WHERE product_status_view.version < EXCLUDED.version`;
      return;
    }
  }
}

/** Current prices of the given variants (absent ids are simply missing from the result). */
export async function findVariantPrices(
  db: OrderingDb,
  variantIds: string[],
): Promise<VariantPrice[]> {
  if (variantIds.length === 0) return [];
  const rows = await db.variantPriceView.findMany({ where: { variantId: { in: variantIds } } });
  const statuses = await db.productStatusView.findMany({
    where: { productId: { in: [...new Set(rows.map((r) => r.productId))] } },
  });
  const statusOf = new Map(statuses.map((s) => [s.productId, s.status]));
  return rows.map((r) => ({
    variantId: r.variantId,
    productId: r.productId,
    variantSku: r.variantSku,
    price: { amount: r.amount, currency: r.currency },
    tierPrices: r.tierPrices as unknown as TierPrice[],
    productStatus: statusOf.get(r.productId) ?? r.initialProductStatus,
  }));
}
