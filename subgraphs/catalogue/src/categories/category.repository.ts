import { DomainError } from "@shopstream/errors";
import { isUuid } from "@shopstream/rules";
import type { CatalogueDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Category } from "./category.ts";

type CategoryRow = Prisma.CategoryGetPayload<object>;

export function toCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    name: row.name,
    parentId: row.parentId,
    depth: row.depth,
    displayOrder: row.displayOrder,
    active: row.active,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: (row.updatedAt ?? row.createdAt).toISOString(),
  };
}

/** A category by id; null for an unknown or malformed id. */
export async function findCategory(db: CatalogueDb, id: string | null | undefined) {
  if (!id || !isUuid(id)) return null;
  const row = await db.category.findUnique({ where: { id } });
  return row ? toCategory(row) : null;
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

export async function insertCategory(tx: Prisma.TransactionClient, c: Category) {
  await tx.category.create({ data: { id: c.id, ...columns(c), createdAt: new Date(c.createdAt) } });
}

/** Saves a changed category unless it changed since it was loaded (→ CONFLICT). */
export async function saveCategory(
  tx: Prisma.TransactionClient,
  before: Category,
  after: Category,
) {
  const updated = await tx.category.updateMany({
    where: { id: before.id, version: before.version },
    data: columns(after),
  });
  if (updated.count === 0) throw DomainError.conflict("category", before.id);
}
