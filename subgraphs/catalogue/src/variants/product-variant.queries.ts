import { byIdLoader } from "@shopstream/service";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { toVariant } from "./product-variant.repository.ts";

/** Per-request loaders of variants: by id, and each product's variants oldest first. */
export function variantLoaders(db: CatalogueDb) {
  const variants = (where: Prisma.ProductVariantWhereInput) =>
    db.productVariant
      .findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })
      .then((rows) => rows.map(toVariant));
  return {
    variant: byIdLoader((ids) => variants({ id: { in: ids } })),
    variantsByProduct: byIdLoader((ids) => variants({ productId: { in: ids } }), {
      many: (v) => v.productId,
    }),
  };
}
