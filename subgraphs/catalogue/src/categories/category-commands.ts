import { changeAggregate, createAggregate, type Decide } from "@shopstream/commands";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { CatalogueDeps, CatalogueTx } from "../context.ts";
import { categoryStore, hasChildren, lockCategory } from "./category.repository.ts";
import {
  type Category,
  type CreateCategoryCommand,
  createCategory as decideCreate,
  deactivateCategory as decideDeactivate,
  reorderCategory as decideReorder,
  updateCategory as decideUpdate,
  type UpdateCategoryCommand,
} from "./category.ts";

/**
 * Creates a category under `parentId` (a root without one), at most 3 levels deep. The parent is
 * share-locked, so it cannot be deactivated or moved deeper while the child is created.
 */
export function createCategory(
  deps: CatalogueDeps,
  command: CreateCategoryCommand,
  metadata: EventMetadata,
): Promise<Category> {
  return createAggregate(
    deps,
    categoryStore,
    async ({ tx, now }) =>
      decideCreate(command, await lockCategory(tx, command.parentId), newId(), now),
    metadata,
  );
}

async function changeCategory(
  deps: CatalogueDeps,
  id: string,
  decide: Decide<Category, CatalogueTx>,
  metadata: EventMetadata,
): Promise<Category> {
  return changeAggregate(deps, categoryStore, assertUuid(id), decide, metadata);
}

/**
 * Renames and/or moves a category (moving only one without subcategories). A move locks the
 * moved category, then its new parent: two leaves moved under each other at once deadlock (which
 * also keeps the tree acyclic); the write path retries the loser, which then sees the other's move.
 */
export function updateCategory(
  deps: CatalogueDeps,
  id: string,
  command: UpdateCategoryCommand,
  metadata: EventMetadata,
): Promise<Category> {
  return changeCategory(
    deps,
    id,
    async (category, { tx, now }) => {
      const moving = command.parentId !== undefined && command.parentId !== category.parentId;
      if (!moving)
        return decideUpdate(category, command, { newParent: undefined, hasChildren: false }, now);
      // Locked so that no child is created under it while it moves (creation share-locks it).
      await lockCategory(tx, id, "update");
      const context = {
        newParent: await lockCategory(tx, command.parentId),
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
  return changeCategory(deps, id, (c, { now }) => decideReorder(c, displayOrder, now), metadata);
}

/** Deactivates a category for good. */
export function deactivateCategory(
  deps: CatalogueDeps,
  id: string,
  metadata: EventMetadata,
): Promise<Category> {
  return changeCategory(deps, id, (c, { now }) => decideDeactivate(c, now), metadata);
}
