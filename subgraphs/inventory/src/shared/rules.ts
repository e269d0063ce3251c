import { intProblem, type Problem } from "@shopstream/rules";

/**
 * Inventory's own field rules, built on the shared ones (`@shopstream/rules`). See
 * docs/inventory.md, "Movements".
 */

/** The largest quantity one movement or reservation may carry; keeps sums far from overflow. */
export const MAX_QUANTITY = 1_000_000;

/** Units moved or held: 1 to MAX_QUANTITY. */
export const quantityProblem = (quantity: number): Problem =>
  intProblem(quantity, { min: 1, max: MAX_QUANTITY });

/** A level or threshold (a count, a reorder point): 0 to MAX_QUANTITY. */
export const levelProblem = (level: number): Problem =>
  intProblem(level, { min: 0, max: MAX_QUANTITY });
