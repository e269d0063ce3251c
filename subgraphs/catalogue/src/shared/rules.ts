import type { Problem } from "@shopstream/rules";

/**
 * The catalogue's own field rules (docs/catalogue.md, "Field rules"), on top of the generic ones
 * in `@shopstream/rules` (required and optional text, whole numbers, attributes).
 */

export const SKU_MIN = 3;
export const SKU_MAX = 50;

/** 3–50 letters, digits and hyphens; no leading, trailing or double hyphen. */
export function skuProblem(sku: string | null | undefined): Problem {
  if (sku === undefined || sku === null || sku.length === 0) return "is required";
  if (sku.length < SKU_MIN || sku.length > SKU_MAX)
    return `must be ${SKU_MIN} to ${SKU_MAX} characters`;
  if (!/^[A-Za-z0-9-]+$/.test(sku)) return "may contain only letters, digits and hyphens";
  if (sku.startsWith("-") || sku.endsWith("-")) return "must not start or end with a hyphen";
  if (sku.includes("--")) return "must not contain a double hyphen";
  return null;
}

export const SLUG_MAX = 200;
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A URL slug: lowercase letters and digits in groups joined by single hyphens, ≤200. */
export function slugProblem(slug: string): Problem {
  if (slug.length > SLUG_MAX) return `must be at most ${SLUG_MAX} characters`;
  if (!SLUG.test(slug)) return "must be lowercase letters and digits separated by single hyphens";
  return null;
}
