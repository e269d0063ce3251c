import type { FieldError } from "@shopstream/errors";

/**
 * Field checks shared by the inventory aggregates. Each returns a message or null, so one
 * validation pass can report every offending field at once.
 */

export function requiredText(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null || value.trim().length === 0) return "is required";
  if (value.length > max) return `must be at most ${max} characters`;
  return null;
}

export function optionalText(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > max) return `must be at most ${max} characters`;
  return null;
}

/** An integer from `min` to `max` inclusive. */
export function intBetween(value: number, min: number, max: number): string | null {
  if (!Number.isInteger(value)) return "must be an integer";
  if (value < min || value > max) return `must be between ${min} and ${max}`;
  return null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidProblem(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return UUID.test(value) ? null : "must be a UUID";
}

/** Runs named checks and keeps the failures, in input order. */
export function collect(checks: [string, string | null][]): FieldError[] {
  return checks
    .filter((c): c is [string, string] => c[1] !== null)
    .map(([field, message]) => ({ field, message }));
}

/** The largest quantity one movement may carry; keeps sums far from 32-bit overflow. */
export const MAX_QUANTITY = 1_000_000;
