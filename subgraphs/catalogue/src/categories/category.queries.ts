import { isUuid } from "@shopstream/rules";
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
import { toCategory } from "./category.repository.ts";
import type { Category } from "./category.ts";

export interface CategoriesArgs extends PageArgs {
  /** Children of this category; roots when omitted. */
  parentId?: string | null;
  /** Include deactivated categories (false by default). */
  includeInactive?: boolean | null;
}

const CURSOR_KIND = "category";

interface CategoryKey {
  displayOrder: number;
  id: string;
}

function decode(cursor: string): CategoryKey | null {
  const parts = decodeCursor(cursor, CURSOR_KIND, 2);
  if (!parts) return null;
  const [order = "", id = ""] = parts;
  if (!/^\d+$/.test(order) || !isUuid(id)) return null;
  return { displayOrder: Number(order), id };
}

/**
 * `Query.categories`: one level of the tree (roots, or the children of `parentId`) in display
 * order, ties broken by id; each node's `children` field walks further down.
 */
export async function listCategories(
  db: CatalogueDb,
  args: CategoriesArgs,
): Promise<Connection<Category>> {
  const problems: Parameters<typeof parsePage>[2] = [];
  const page = parsePage(args, decode, problems);
  if (args.parentId != null && !isUuid(args.parentId))
    problems.push({ field: "parentId", message: "must be a UUID" });
  throwIfAny(problems);

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
  return toConnection(
    rows.map(toCategory),
    page.first,
    (c) => encodeCursor(CURSOR_KIND, [c.displayOrder, c.id]),
    { hasPreviousPage: before !== null, totalCount },
  );
}
