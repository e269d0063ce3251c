import { isUuid } from "@shopstream/rules";
import { byIdLoader } from "@shopstream/service";
import { toCategory } from "../categories/category.repository.ts";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import {
  type Connection,
  decodeCursor,
  encodeCursor,
  type PageArgs,
  parsePage,
  throwIfAny,
  toConnection,
} from "../shared/connection.ts";
import { toVariant } from "../variants/product-variant.repository.ts";
import { toProductImage, toProductRecord } from "./product.repository.ts";
import { PRODUCT_STATUSES, type ProductRecord, type ProductStatus } from "./product.ts";
import { createProductsByCategoryLoader } from "./products-by-category.ts";

/**
 * Per-request loaders: every nested look-up (variant → product, product → variants, images and
 * category, category → parent and children) batches into one query per kind and request, so a
 * page of products costs a constant number of queries whatever its size.
 */
export function createCatalogueLoaders(db: CatalogueDb) {
  const loaders = {
    product: byIdLoader(async (ids) =>
      (await db.product.findMany({ where: { id: { in: ids } } })).map(toProductRecord),
    ),
    variant: byIdLoader(async (ids) =>
      (await db.productVariant.findMany({ where: { id: { in: ids } } })).map(toVariant),
    ),
    category: byIdLoader(async (ids) =>
      (await db.category.findMany({ where: { id: { in: ids } } })).map(toCategory),
    ),
    variantsByProduct: byIdLoader(
      async (ids) =>
        (
          await db.productVariant.findMany({
            where: { productId: { in: ids } },
            orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          })
        ).map(toVariant),
      { many: (v) => v.productId },
    ),
    imagesByProduct: byIdLoader(
      async (ids) =>
        (
          await db.productImage.findMany({
            where: { productId: { in: ids } },
            orderBy: [{ productId: "asc" }, { position: "asc" }],
          })
        ).map((row) => ({ ...toProductImage(row), productId: row.productId })),
      { many: (i) => i.productId },
    ),
    childrenByCategory: byIdLoader(
      async (ids) =>
        (
          await db.category.findMany({
            where: { parentId: { in: ids } },
            orderBy: [{ displayOrder: "asc" }, { id: "asc" }],
          })
        ).map(toCategory),
      { many: (c) => c.parentId ?? "" },
    ),
  };
  return {
    ...loaders,
    productsByCategory: createProductsByCategoryLoader(db, (p) => loaders.product.prime(p.id, p)),
  };
}

export type CatalogueLoaders = ReturnType<typeof createCatalogueLoaders>;

export async function findProductBySku(db: CatalogueDb, sku: string) {
  const row = await db.product.findUnique({ where: { sku } });
  return row ? toProductRecord(row) : null;
}

export interface ProductFilter {
  status?: ProductStatus | null;
  categoryId?: string | null;
  /** Case-insensitive substring of the title or the SKU. */
  search?: string | null;
}

export interface ProductsArgs extends PageArgs {
  filter?: ProductFilter | null;
}

const CURSOR_KIND = "product";
const SEARCH_MAX = 255;

/** `LIKE` treats `%`, `_` and `\` specially; titles and SKUs may contain them. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereOf(filter: ProductFilter): Prisma.ProductWhereInput {
  const search = filter.search?.trim();
  return {
    ...(filter.status && { status: filter.status }),
    ...(filter.categoryId && { categoryId: filter.categoryId }),
    ...(search && {
      OR: [
        { title: { contains: escapeLike(search), mode: "insensitive" } },
        { sku: { contains: escapeLike(search), mode: "insensitive" } },
      ],
    }),
  };
}

/**
 * `Query.products` and `Category.products`: newest first (ids are time-ordered UUIDv7, so id
 * order is creation order), keyset-paged on the id. Three queries: the page (one row extra to
 * know whether another follows), the total, and whether anything precedes the cursor.
 */
export async function searchProducts(
  db: CatalogueDb,
  args: ProductsArgs,
  loaders?: CatalogueLoaders,
): Promise<Connection<ProductRecord>> {
  const problems: Parameters<typeof parsePage>[2] = [];
  const filter = args.filter ?? {};
  const page = parsePage(args, (c) => decodeCursor(c, CURSOR_KIND, 1)?.[0] ?? null, problems);
  if (page.after !== null && !isUuid(page.after))
    problems.push({ field: "after", message: "is not a cursor of this list" });
  if (filter.categoryId != null && !isUuid(filter.categoryId))
    problems.push({ field: "filter.categoryId", message: "must be a UUID" });
  if (filter.status != null && !PRODUCT_STATUSES.includes(filter.status))
    problems.push({ field: "filter.status", message: "is not a product status" });
  if ((filter.search?.length ?? 0) > SEARCH_MAX)
    problems.push({ field: "filter.search", message: `must be at most ${SEARCH_MAX} characters` });
  throwIfAny(problems);

  const where = whereOf(filter);
  const after = page.after;
  const [rows, totalCount, before] = await Promise.all([
    db.product.findMany({
      where: after ? { AND: [where, { id: { lt: after } }] } : where,
      orderBy: { id: "desc" },
      take: page.first + 1,
    }),
    db.product.count({ where }),
    after
      ? db.product.findFirst({
          where: { AND: [where, { id: { gte: after } }] },
          select: { id: true },
        })
      : null,
  ]);
  const products = rows.map(toProductRecord);
  // Nested `variant.product` look-ups then need no query of their own.
  for (const p of products) loaders?.product.prime(p.id, p);
  return toConnection(products, page.first, (p) => encodeCursor(CURSOR_KIND, [p.id]), {
    hasPreviousPage: before !== null,
    totalCount,
  });
}
