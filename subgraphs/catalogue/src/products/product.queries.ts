import { byIdLoader } from "@shopstream/service";
import type { CatalogueDb } from "../db.ts";

/** Per-request loaders: nested look-ups (variant → product, product → variants) batch into one query each. */
export function createCatalogueLoaders(db: CatalogueDb) {
  return {
    product: byIdLoader((ids) => db.product.findMany({ where: { id: { in: ids } } })),
    variant: byIdLoader((ids) => db.productVariant.findMany({ where: { id: { in: ids } } })),
    category: byIdLoader((ids) => db.category.findMany({ where: { id: { in: ids } } })),
    variantsByProduct: byIdLoader(
      (ids) =>
        db.productVariant.findMany({
          where: { productId: { in: ids } },
          orderBy: { createdAt: "asc" },
        }),
      { many: (v) => v.productId },
    ),
  };
}

export type CatalogueLoaders = ReturnType<typeof createCatalogueLoaders>;

export function findProductBySku(db: CatalogueDb, sku: string) {
  return db.product.findUnique({ where: { sku } });
}
