import { type Connection, parsePage } from "@shopstream/connection";
import { isUuid } from "@shopstream/rules";
import DataLoader from "dataloader";
import type { CatalogueDb } from "../db.ts";
import { productConnection, productCursors } from "./product.queries.ts";
import { toProductRecord } from "./product.repository.ts";
import type { ProductRecord, ProductStatus } from "./product.ts";

/** `Category.products(status, first, after)` for one category. */
export interface CategoryProductsKey {
  categoryId: string;
  status: ProductStatus | null;
  first: number | null;
  after: string | null;
}

/**
 * Batches `Category.products` over every category of a request: categories asking for the same
 * page (status, first, after) share one window-function query for the page ids, one for the rows,
 * one for the totals and, after a cursor, one for `hasPreviousPage` — whatever the number of
 * categories. Cursors are the same as `Query.products`' (newest first, keyed on the id).
 */
export function createProductsByCategoryLoader(
  db: CatalogueDb,
  prime: (product: ProductRecord) => void,
) {
  return new DataLoader<CategoryProductsKey, Connection<ProductRecord>, string>(
    async (keys) => {
      const groups = new Map<string, CategoryProductsKey[]>();
      for (const key of keys) {
        const group = `${key.status}|${key.first}|${key.after}`;
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const results = new Map<string, Connection<ProductRecord> | Error>();
      await Promise.all(
        [...groups.values()].map(async (group) => {
          const sample = group[0] as CategoryProductsKey;
          try {
            const pages = await loadGroup(
              db,
              sample,
              group.map((k) => k.categoryId),
              prime,
            );
            for (const k of group)
              results.set(cacheKey(k), pages.get(k.categoryId) as Connection<ProductRecord>);
          } catch (error) {
            for (const k of group) results.set(cacheKey(k), error as Error);
          }
        }),
      );
      return keys.map((k) => results.get(cacheKey(k)) as Connection<ProductRecord> | Error);
    },
    { cacheKeyFn: cacheKey },
  );
}

const cacheKey = (k: CategoryProductsKey) => `${k.categoryId}|${k.status}|${k.first}|${k.after}`;

async function loadGroup(
  db: CatalogueDb,
  args: CategoryProductsKey,
  categoryIds: string[],
  prime: (product: ProductRecord) => void,
): Promise<Map<string, Connection<ProductRecord>>> {
  const page = parsePage(args, productCursors);
  const ids = categoryIds.filter(isUuid);
  const after = page.after;
  const status = args.status;

  const [pageIds, totals, before] = await Promise.all([
    db.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM (
        SELECT id, row_number() OVER (PARTITION BY category_id ORDER BY id DESC) AS rn
        FROM product
        WHERE category_id = ANY(${ids}::uuid[])
          AND (${status}::text IS NULL OR status::text = ${status}::text)
          AND (${after}::uuid IS NULL OR id < ${after}::uuid)
      ) ranked
      WHERE rn <= ${page.first + 1}`,
    db.product.groupBy({
      by: ["categoryId"],
      where: { categoryId: { in: ids }, ...(status && { status }) },
      _count: { _all: true },
    }),
    after
      ? db.product.groupBy({
          by: ["categoryId"],
          where: { categoryId: { in: ids }, id: { gte: after }, ...(status && { status }) },
          _count: { _all: true },
        })
      : [],
  ]);
  const rows =
    pageIds.length > 0
      ? await db.product.findMany({
          where: { id: { in: pageIds.map((r) => r.id) } },
          orderBy: { id: "desc" },
        })
      : [];
  const byCategory = new Map<string, ProductRecord[]>();
  for (const row of rows) {
    const product = toProductRecord(row);
    prime(product);
    const key = product.categoryId ?? "";
    byCategory.set(key, [...(byCategory.get(key) ?? []), product]);
  }
  const total = new Map(totals.map((t) => [t.categoryId, t._count._all]));
  const preceded = new Set(before.map((b) => b.categoryId));
  return new Map(
    categoryIds.map((id) => [
      id,
      productConnection(byCategory.get(id) ?? [], page.first, {
        hasPreviousPage: preceded.has(id),
        totalCount: total.get(id) ?? 0,
      }),
    ]),
  );
}
