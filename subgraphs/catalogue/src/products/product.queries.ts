import {
  type Connection,
  connectionOf,
  idCursor,
  type PageArgs,
  parsePage,
} from "@shopstream/connection";
import { collect, uuidProblem } from "@shopstream/rules";
import { byIdLoader } from "@shopstream/service";
import type { CatalogueLoaders } from "../context.ts";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { toProductImage, toProductRecord } from "./product.repository.ts";
import { PRODUCT_STATUSES, type ProductRecord, type ProductStatus } from "./product.ts";

/** Per-request loaders of products: by id, and each product's images in display order. */
export function productLoaders(db: CatalogueDb) {
  return {
    product: byIdLoader((ids) =>
      db.product.findMany({ where: { id: { in: ids } } }).then((rows) => rows.map(toProductRecord)),
    ),
    imagesByProduct: byIdLoader(
      (ids) =>
        db.productImage
          .findMany({
            where: { productId: { in: ids } },
            orderBy: [{ productId: "asc" }, { position: "asc" }],
          })
          .then((rows) =>
            rows.map((row) => ({ ...toProductImage(row), productId: row.productId })),
          ),
      { many: (i) => i.productId },
    ),
  };
}

export async function findProductBySku(db: CatalogueDb, sku: string) {
  const row = await db.product.findUnique({ where: { sku } });
  return row ? toProductRecord(row) : null;
}

/**
 * Products are listed newest first (ids are time-ordered UUIDv7, so id order is creation order),
 * keyset-paged on the id. `Query.products` and `Category.products` share these cursors.
 */
export const productCursors = idCursor("product");

/**
 * A page of products (fetched with `first + 1` as the limit) as a connection. `hasPreviousPage`
 * is what the list holds before the cursor, not merely that one was given.
 */
export function productConnection(
  rows: ProductRecord[],
  first: number,
  facts: { hasPreviousPage: boolean; totalCount: number },
): Connection<ProductRecord> {
  const edges = rows
    .slice(0, first)
    .map((node) => ({ cursor: productCursors.encode(node.id), node }));
  return connectionOf(edges, { hasNextPage: rows.length > first, ...facts });
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

/** The filter's problems, named `filter.<field>`. */
function filterProblems(filter: ProductFilter) {
  return collect(
    [
      ["categoryId", uuidProblem(filter.categoryId)],
      [
        "status",
        filter.status != null && !PRODUCT_STATUSES.includes(filter.status)
          ? "is not a product status"
          : null,
      ],
      [
        "search",
        (filter.search?.length ?? 0) > SEARCH_MAX
          ? `must be at most ${SEARCH_MAX} characters`
          : null,
      ],
    ],
    "filter",
  );
}

/**
 * `Query.products`: three queries — the page (one row extra to know whether another follows), the
 * total, and whether anything precedes the cursor. `loaders` is primed with the page's products,
 * so nested `variant.product` look-ups need no query of their own.
 */
export async function searchProducts(
  db: CatalogueDb,
  args: ProductsArgs,
  loaders?: CatalogueLoaders,
  /** The only status the caller may see (callers without a catalogue role: ACTIVE); null: any. */
  visibleStatus: ProductStatus | null = null,
): Promise<Connection<ProductRecord>> {
  const filter = args.filter ?? {};
  const page = parsePage(args, productCursors, filterProblems(filter));
  // On top of the caller's filter, so a filter asking for another status finds nothing.
  const where: Prisma.ProductWhereInput = visibleStatus
    ? { AND: [whereOf(filter), { status: visibleStatus }] }
    : whereOf(filter);
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
  for (const p of products) loaders?.product.prime(p.id, p);
  return productConnection(products, page.first, { hasPreviousPage: before !== null, totalCount });
}
