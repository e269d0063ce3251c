import type { FieldError } from "@shopstream/errors";

/**
 * Field rules shared by the catalogue's aggregates (DOMAIN.md, "Catalogue"). Each check returns a
 * message or null, so one validation pass can report every offending field at once.
 */

export const SKU_MIN = 3;
export const SKU_MAX = 50;

/** 3–50 letters, digits and hyphens; no leading, trailing or double hyphen. */
export function skuProblem(sku: string | null | undefined): string | null {
  if (sku === undefined || sku === null || sku.length === 0) return "is required";
  if (sku.length < SKU_MIN || sku.length > SKU_MAX)
    return `must be ${SKU_MIN} to ${SKU_MAX} characters`;
  if (!/^[A-Za-z0-9-]+$/.test(sku)) return "may contain only letters, digits and hyphens";
  if (sku.startsWith("-") || sku.endsWith("-")) return "must not start or end with a hyphen";
  if (sku.includes("--")) return "must not contain a double hyphen";
  return null;
}

export function requiredText(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null || value.trim().length === 0) return "is required";
  if (value.trim().length > max) return `must be at most ${max} characters`;
  return null;
}

export function optionalText(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (value.trim().length > max) return `must be at most ${max} characters`;
  return null;
}

/** Trimmed text, or null when absent or blank. */
export function cleanText(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

const ATTRIBUTES_MAX_BYTES = 16_384;

/** Attributes are a JSON object (not an array or a scalar) of at most 16 KiB. */
export function attributesProblem(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) return "must be a JSON object";
  if (Buffer.byteLength(JSON.stringify(value), "utf8") > ATTRIBUTES_MAX_BYTES)
    return `must be at most ${ATTRIBUTES_MAX_BYTES} bytes of JSON`;
  return null;
}

/** A non-negative (or positive) whole number within PostgreSQL's `integer`. */
export function intProblem(
  value: number | null | undefined,
  opts: { min: number; max?: number },
): string | null {
  if (value === undefined || value === null) return null;
  const max = opts.max ?? 2_147_483_647;
  if (!Number.isInteger(value)) return "must be a whole number";
  if (value < opts.min || value > max) return `must be between ${opts.min} and ${max}`;
  return null;
}

/** Runs named checks and keeps the failures, in input order. */
export function collect(checks: [string, string | null][]): FieldError[] {
  return checks
    .filter((c): c is [string, string] => c[1] !== null)
    .map(([field, message]) => ({ field, message }));
}
