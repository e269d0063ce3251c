import {
  type Connection,
  type CursorCodec,
  connectionOf,
  decodeCursor,
  encodeCursor,
  type PageArgs,
  parsePage,
} from "@shopstream/connection";
import { collect, isUuid, uuidProblem } from "@shopstream/rules";
import { byIdLoader } from "@shopstream/service";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { toCategory } from "./category.repository.ts";
import type { Category } from "./category.ts";

/** Per-request loaders of categories: by id, and each category's children in display order. */
export function categoryLoaders(db: CatalogueDb) {
  const categories = (where: Prisma.CategoryWhereInput) =>
    db.category
      .findMany({ where, orderBy: [{ displayOrder: "asc" }, { id: "asc" }] })
      .then((rows) => rows.map(toCategory));
  return {
    category: byIdLoader((ids) => categories({ id: { in: ids } })),
    childrenByCategory: byIdLoader((ids) => categories({ parentId: { in: ids } }), {
      many: (c) => c.parentId ?? "",
    }),
  };
}

export interface CategoriesArgs extends PageArgs {
  /** Children of this category; roots when omitted. */
  parentId?: string | null;
  /** Include deactivated categories (false by default). */
  includeInactive?: boolean | null;
}

interface CategoryKey {
  displayOrder: number;
  id: string;
}

/** Categories are listed in display order, ties broken by id: the cursor carries both. */
const categoryCursors: CursorCodec<CategoryKey> = {
  encode: (key) => encodeCursor("category", [key.displayOrder, key.id]),
  decode: (cursor) => {
    const [order, id] = decodeCursor("category", cursor, 2) ?? [];
    if (order === undefined || !/^\d+$/.test(order) || !id || !isUuid(id)) return null;
    return { displayOrder: Number(order), id };
  },
};

/**
 * `Query.categories`: one level of the tree (roots, or the children of `parentId`) in display
 * order, ties broken by id; each node's `children` field walks further down.
 */
export async function listCategories(
  db: CatalogueDb,
  args: CategoriesArgs,
): Promise<Connection<Category>> {
  const page = parsePage(
    args,
    categoryCursors,
    collect([["parentId", uuidProblem(args.parentId)]]),
  );
  const where: Prisma.CategoryWhereInput = {
    parentId: args.parentId ?? null,
    ...(args.includeInactive ? {} : { active: true }),
  };
  const key = page.after;
  const afterKey: Prisma.CategoryWhereInput = key
    ? {
        OR: [
          { displayOrder: { gt: key.displayOrder } },
          { displayOrder: key.displayOrder, id: { gt: key.id } },
        ],
      }
    : {};
  const upToKey: Prisma.CategoryWhereInput = key
    ? {
        OR: [
          { displayOrder: { lt: key.displayOrder } },
          { displayOrder: key.displayOrder, id: { lte: key.id } },
        ],
      }
    : {};
  const [rows, totalCount, before] = await Promise.all([
    db.category.findMany({
      where: { AND: [where, afterKey] },
      orderBy: [{ displayOrder: "asc" }, { id: "asc" }],
      take: page.first + 1,
    }),
    db.category.count({ where }),
    key ? db.category.findFirst({ where: { AND: [where, upToKey] }, select: { id: true } }) : null,
  ]);
  const edges = rows
    .slice(0, page.first)
    .map(toCategory)
    .map((node) => ({ cursor: categoryCursors.encode(node), node }));
  // `hasPreviousPage` is what the list holds before the cursor, not merely that one was given.
  return connectionOf(edges, {
    hasNextPage: rows.length > page.first,
    hasPreviousPage: before !== null,
    totalCount,
  });
}
