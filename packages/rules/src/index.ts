import { DomainError, type FieldError } from "@shopstream/errors";

/**
 * Field rules shared by every context. Each check returns a message or null, so one validation
 * pass can report every offending field at once (`collect`, then `throwIfAny`).
 *
 * Text is judged as it will be stored: **trimmed**. Leading and trailing white space is never
 * part of a name, a title or a street, so `"  "` is missing and `" Ada "` is three characters;
 * commands store `cleanText(value)`. (docs/conventions.md, "Input rules".)
 */

/** A check's outcome: a message for the client, or null when the value is fine. */
export type Problem = string | null;

/** Trimmed text, or null when absent or blank. What commands store for optional text. */
export function cleanText(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Required text of at most `max` characters after trimming. */
export function requiredText(value: string | null | undefined, max: number): Problem {
  const text = cleanText(value);
  if (text === null) return "is required";
  if (text.length > max) return `must be at most ${max} characters`;
  return null;
}

/** Optional text of at most `max` characters after trimming; absent or blank is fine. */
export function optionalText(value: string | null | undefined, max: number): Problem {
  const text = cleanText(value);
  if (text !== null && text.length > max) return `must be at most ${max} characters`;
  return null;
}

/** PostgreSQL's `integer` range: every count and amount column is one. */
export const INT_MAX = 2_147_483_647;

/** A whole number from `min` to `max` (default: the `integer` column's maximum); absent is fine. */
export function intProblem(
  value: number | null | undefined,
  opts: { min: number; max?: number },
): Problem {
  if (value === undefined || value === null) return null;
  const max = opts.max ?? INT_MAX;
  if (!Number.isInteger(value)) return "must be a whole number";
  if (value < opts.min || value > max) return `must be between ${opts.min} and ${max}`;
  return null;
}

/** A UUID of any version, in either case (ids are compared in lower case by PostgreSQL). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

/** "must be a UUID" for a present value that is not one; absent is fine. */
export function uuidProblem(value: string | null | undefined): Problem {
  if (value === undefined || value === null) return null;
  return isUuid(value) ? null : "must be a UUID";
}

/** The id, or VALIDATION_FAILED naming `field` when it is not a UUID. */
export function assertUuid(id: string, field = "id"): string {
  if (!isUuid(id)) throw DomainError.validation([{ field, message: "must be a UUID" }]);
  return id;
}

/** Checks several ids at once, so a caller learns about every malformed one. */
export function assertUuids(ids: Record<string, string | null | undefined>): void {
  throwIfAny(collect(Object.entries(ids).map(([field, id]) => [field, uuidProblem(id)])));
}

/** Attributes are a JSON object (not an array or a scalar) of at most 16 KiB. */
export const ATTRIBUTES_MAX_BYTES = 16_384;

export function attributesProblem(value: unknown): Problem {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) return "must be a JSON object";
  if (Buffer.byteLength(JSON.stringify(value), "utf8") > ATTRIBUTES_MAX_BYTES)
    return `must be at most ${ATTRIBUTES_MAX_BYTES} bytes of JSON`;
  return null;
}

/** `address.street` under a prefix, plain `street` for a top-level input. */
export const fieldPath = (prefix: string, field: string): string =>
  prefix === "" ? field : `${prefix}.${field}`;

/** Runs named checks and keeps the failures, in input order; `prefix` nests the field names. */
export function collect(checks: [string, Problem][], prefix = ""): FieldError[] {
  return checks
    .filter((c): c is [string, string] => c[1] !== null)
    .map(([field, message]) => ({ field: fieldPath(prefix, field), message }));
}

/** VALIDATION_FAILED with every problem, or nothing when there are none. */
export function throwIfAny(problems: FieldError[]): void {
  if (problems.length > 0) throw DomainError.validation(problems);
}
