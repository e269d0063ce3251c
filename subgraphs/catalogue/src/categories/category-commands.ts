import { isRetryableTransactionError } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuid, isUuid } from "@shopstream/rules";
import type { CatalogueDeps } from "../context.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Decision } from "../shared/decision.ts";
import { findCategory, hasChildren, insertCategory, saveCategory } from "./category.repository.ts";
import {
  type Category,
  type CategoryEvent,
  type CreateCategoryCommand,
  createCategory as decideCreate,
  deactivateCategory as decideDeactivate,
  reorderCategory as decideReorder,
  updateCategory as decideUpdate,
  type UpdateCategoryCommand,
} from "./category.ts";

type Tx = Prisma.TransactionClient;

/**
 * Parent rows are read with a share lock: a concurrent deactivation or move of the parent waits,
 * so a child is never created under a parent that just became inactive or too deep.
 */
async function lockedCategory(
  tx: Tx,
  id: string | null | undefined,
  mode: "share" | "update" = "share",
) {
  if (!id) return undefined;
  if (!isUuid(id)) return null;
  if (mode === "share")
    await tx.$executeRaw`SELECT 1 FROM category WHERE id = ${id}::uuid FOR SHARE`;
  else await tx.$executeRaw`SELECT 1 FROM category WHERE id = ${id}::uuid FOR UPDATE`;
  return findCategory(tx, id);
}

/** Creates a category under `parentId` (a root without one), at most 3 levels deep. */
export async function createCategory(
  deps: CatalogueDeps,
  command: CreateCategoryCommand,
  metadata: EventMetadata,
): Promise<Category> {
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction(async (tx) => {
    const parent = await lockedCategory(tx, command.parentId);
    const { state, events } = decideCreate(command, parent, newId(), now);
    await insertCategory(tx, state);
    await appendToOutbox(
      tx,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
    return state;
  });
}

async function changeCategory(
  deps: CatalogueDeps,
  id: string,
  decide: (c: Category, tx: Tx, now: Date) => Promise<Decision<Category, CategoryEvent>>,
  metadata: EventMetadata,
): Promise<Category> {
  assertUuid(id);
  const now = deps.now?.() ?? new Date();
  return asConflict(id, () =>
    deps.prisma.$transaction(async (tx) => {
      const category = await findCategory(tx, id);
      if (!category) throw DomainError.notFound("Category", id);
      const { state, events } = await decide(category, tx, now);
      if (events.length === 0) return category;
      await saveCategory(tx, category, state);
      await appendToOutbox(
        tx,
        events.map((e) => toEnvelope(e, metadata, now)),
      );
      return state;
    }),
  );
}

/**
 * Moves lock the moved category, then its new parent: two leaves moved under each other at once
 * deadlock (which also keeps the tree acyclic); the loser is told CONFLICT, as for a version
 * mismatch, and may retry.
 */
async function asConflict<T>(id: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isRetryableTransactionError(error)) throw DomainError.conflict("category", id);
    throw error;
  }
}

/** Renames and/or moves a category (moving only one without subcategories). */
export function updateCategory(
  deps: CatalogueDeps,
  id: string,
  command: UpdateCategoryCommand,
  metadata: EventMetadata,
): Promise<Category> {
  return changeCategory(
    deps,
    id,
    async (category, tx, now) => {
      const moving = command.parentId !== undefined && command.parentId !== category.parentId;
      if (!moving)
        return decideUpdate(category, command, { newParent: undefined, hasChildren: false }, now);
      // Locked so that no child is created under it while it moves (creation share-locks it).
      await lockedCategory(tx, id, "update");
      const context = {
        newParent: await lockedCategory(tx, command.parentId),
        hasChildren: await hasChildren(tx, id),
      };
      return decideUpdate(category, command, context, now);
    },
    metadata,
  );
}

/** Sets a category's position among its siblings. */
export function reorderCategory(
  deps: CatalogueDeps,
  id: string,
  displayOrder: number,
  metadata: EventMetadata,
): Promise<Category> {
  return changeCategory(
    deps,
    id,
    async (c, _tx, now) => decideReorder(c, displayOrder, now),
    metadata,
  );
}

/** Deactivates a category for good. */
export function deactivateCategory(
  deps: CatalogueDeps,
  id: string,
  metadata: EventMetadata,
): Promise<Category> {
  return changeCategory(deps, id, async (c, _tx, now) => decideDeactivate(c, now), metadata);
}
