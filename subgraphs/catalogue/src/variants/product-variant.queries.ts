import { byIdLoader } from "@shopstream/service";
import type { CatalogueDb } from "../db.ts";
import { toVariant } from "./product-variant.repository.ts";

/** Per-request loaders of variants: by id, and each product's variants oldest first. */
export function variantLoaders(db: CatalogueDb) {
  return {
    variant: byIdLoader((ids) =>
      db.productVariant
        .findMany({ where: { id: { in: ids } } })
        .then((rows) => rows.map(toVariant)),
    ),
    variantsByProduct: byIdLoader(
      (ids) =>
        db.productVariant
          .findMany({
            where: { productId: { in: ids } },
            orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          })
          .then((rows) => rows.map(toVariant)),
      { many: (v) => v.productId },
    ),
  };
}
