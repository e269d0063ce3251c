import type { Decision } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import { collect, intProblem, type Problem, requiredText, throwIfAny } from "@shopstream/rules";
import {
  type CatalogueEvent,
  type Changes,
  decisionsOf,
  nextVersion,
  unchanged,
} from "../shared/decision.ts";

/** Pure domain for the Category aggregate: a node of a tree at most 3 levels deep. */

export const MAX_CATEGORY_DEPTH = 3;
export const DISPLAY_ORDER_MAX = 1_000_000;
export const NAME_MAX = 100;

export interface Category {
  id: string;
  name: string;
  parentId: string | null;
  /** 1 for a root, at most 3. */
  depth: number;
  displayOrder: number;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateCategoryCommand {
  name: string;
  parentId?: string | null;
  displayOrder?: number | null;
}

export interface UpdateCategoryCommand {
  name?: string | null;
  /** Moves the category (only one without subcategories); null makes it a root. */
  parentId?: string | null;
}

export type CategoryEvent = CatalogueEvent;
export type CategoryDecision = Decision<Category, CategoryEvent>;

const categoryDecision = decisionsOf("Category");

/** Why `parent` cannot take a new child, or null. `parent` is what the command found. */
function parentProblem(parentId: string, parent: Category | null | undefined): Problem {
  if (!parent || parent.id !== parentId) return "does not exist";
  if (!parent.active) return "is deactivated";
  if (parent.depth >= MAX_CATEGORY_DEPTH)
    return `categories nest at most ${MAX_CATEGORY_DEPTH} levels deep`;
  return null;
}

const displayOrderProblem = (value: number | null | undefined) =>
  intProblem(value, { min: 0, max: DISPLAY_ORDER_MAX });

export function createCategory(
  command: CreateCategoryCommand,
  parent: Category | null | undefined,
  id: string,
  now: Date,
): CategoryDecision {
  const parentId = command.parentId ?? null;
  throwIfAny(
    collect([
      ["name", requiredText(command.name, NAME_MAX)],
      ["parentId", parentId === null ? null : parentProblem(parentId, parent)],
      ["displayOrder", displayOrderProblem(command.displayOrder)],
    ]),
  );
  const at = now.toISOString();
  const category: Category = {
    id,
    name: command.name.trim(),
    parentId,
    depth: parent && parentId ? parent.depth + 1 : 1,
    displayOrder: command.displayOrder ?? 0,
    active: true,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return categoryDecision(category, "CategoryCreated", {
    categoryId: id,
    name: category.name,
    parentId,
    depth: category.depth,
    displayOrder: category.displayOrder,
    active: true,
  });
}

/**
 * Renames and/or moves a category. Only a category without subcategories may move (moving a
 * subtree would change other categories' depth); the move obeys the same depth rule as creation.
 */
export function updateCategory(
  category: Category,
  command: UpdateCategoryCommand,
  context: { newParent: Category | null | undefined; hasChildren: boolean },
  now: Date,
): CategoryDecision {
  const moving = command.parentId !== undefined && command.parentId !== category.parentId;
  const parentId = command.parentId ?? null;
  let parentIssue: string | null = null;
  if (moving) {
    if (parentId === category.id) parentIssue = "cannot be the category itself";
    else if (context.hasChildren) parentIssue = "only a category without subcategories can move";
    else if (parentId !== null) parentIssue = parentProblem(parentId, context.newParent);
  }
  throwIfAny(
    collect([
      ["name", command.name === undefined ? null : requiredText(command.name, NAME_MAX)],
      ["parentId", parentIssue],
    ]),
  );

  const next = { ...category };
  if (command.name != null) next.name = command.name.trim();
  if (moving) {
    next.parentId = parentId;
    next.depth = parentId === null ? 1 : (context.newParent?.depth ?? 0) + 1;
  }
  const changes: Changes = {};
  for (const field of ["name", "parentId", "depth"] as const) {
    if (next[field] !== category[field])
      changes[field] = { previous: category[field], value: next[field] };
  }
  if (Object.keys(changes).length === 0) return unchanged(category);
  const state = nextVersion(category, next, now);
  return categoryDecision(state, "CategoryUpdated", { categoryId: category.id, changes });
}

/** Sets the sort position among siblings; the same position changes nothing. */
export function reorderCategory(
  category: Category,
  displayOrder: number,
  now: Date,
): CategoryDecision {
  throwIfAny(collect([["displayOrder", displayOrderProblem(displayOrder)]]));
  if (displayOrder === category.displayOrder) return unchanged(category);
  const state = nextVersion(category, { displayOrder }, now);
  return categoryDecision(state, "CategoryReordered", {
    categoryId: category.id,
    parentId: category.parentId,
    previousDisplayOrder: category.displayOrder,
    displayOrder,
  });
}

/** Deactivation is one-way: deactivating an inactive category is INVALID_STATE_TRANSITION. */
export function deactivateCategory(category: Category, now: Date): CategoryDecision {
  if (!category.active) throw DomainError.invalidTransition("category", "INACTIVE", "deactivate");
  const state = nextVersion(category, { active: false }, now);
  return categoryDecision(state, "CategoryDeactivated", {
    categoryId: category.id,
    parentId: category.parentId,
    previousActive: true,
    active: false,
  });
}
