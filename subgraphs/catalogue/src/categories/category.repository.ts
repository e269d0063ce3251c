import type { AggregateStore, NewAggregateStore } from "@shopstream/commands";
import { isUuid } from "@shopstream/rules";
import type { CatalogueTx } from "../context.ts";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { timestamps, updateIfUnchanged } from "../shared/rows.ts";
import type { Category } from "./category.ts";

type CategoryRow = Prisma.CategoryGetPayload<object>;

export function toCategory(row: CategoryRow): Category {
  return { ...row, ...timestamps(row) };
}

/** A category by id; null for an unknown or malformed id. */
export async function findCategory(db: CatalogueDb, id: string | null | undefined) {
  if (!id || !isUuid(id)) return null;
  const row = await db.category.findUnique({ where: { id } });
  return row ? toCategory(row) : null;
}

/**
 * A category read under a row lock (`share` by default); undefined without an id, null for an
 * unknown or malformed one. A share lock on a parent makes a concurrent deactivation or move of
 * it wait, so a child is never created under a parent that just became inactive or too deep.
 */
export async function lockCategory(
  tx: CatalogueTx,
  id: string | null | undefined,
  mode: "share" | "update" = "share",
): Promise<Category | null | undefined> {
  if (!id) return undefined;
  if (!isUuid(id)) return null;
  if (mode === "share")
    await tx.$executeRaw`SELECT 1 FROM category WHERE id = ${id}::uuid FOR SHARE`;
  else await tx.$executeRaw`SELECT 1 FROM category WHERE id = ${id}::uuid FOR UPDATE`;
  return findCategory(tx, id);
}

export async function hasChildren(db: CatalogueDb, id: string): Promise<boolean> {
  return (await db.category.findFirst({ where: { parentId: id }, select: { id: true } })) !== null;
}

function columns(c: Category) {
  return {
    name: c.name,
    parentId: c.parentId,
    depth: c.depth,
    displayOrder: c.displayOrder,
    active: c.active,
    version: c.version,
    updatedAt: new Date(c.updatedAt),
  };
}

/** The Category aggregate: one node of the tree. */
export const categoryStore: AggregateStore<Category, CatalogueTx> &
  NewAggregateStore<Category, CatalogueTx> = {
  entity: "Category",
  load: findCategory,
  save: (tx, before, after) =>
    updateIfUnchanged((args) => tx.category.updateMany(args), before, columns(after)),
  async insert(tx, c) {
    await tx.category.create({
      data: { id: c.id, ...columns(c), createdAt: new Date(c.createdAt) },
    });
  },
};
