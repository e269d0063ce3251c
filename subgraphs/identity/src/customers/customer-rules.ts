import type { FieldError } from "@shopstream/errors";

/**
 * Field rules from DOMAIN.md ("Identity — Customer", "Shared types"). Each check returns a
 * message or null so that one validation pass can report every offending field at once.
 */

const EMAIL_MAX = 320;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function emailProblem(email: string): string | null {
  if (email.length === 0) return "is required";
  if (email.length > EMAIL_MAX) return `must be at most ${EMAIL_MAX} characters`;
  if (/\s/.test(email)) return "must not contain spaces";
  const at = email.split("@");
  if (at.length !== 2) return "must contain exactly one @";
  const [local = "", domain = ""] = at;
  if (local.length === 0) return "must have a name before the @";
  if (local.length > 64) return "must have at most 64 characters before the @";
  if (email.includes("..")) return "must not contain consecutive dots";
  if (local.startsWith(".") || local.endsWith("."))
    return "must not start or end the name with a dot";
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const literal = domain.slice(1, -1);
    return IPV4.test(literal) || /^IPv6:[0-9a-f:.]+$/i.test(literal)
      ? null
      : "has an invalid IP literal domain";
  }
  if (!domain.includes(".")) return "must have a domain with a dot (or an IP literal)";
  const labels = domain.split(".");
  if (
    labels.some(
      (l) =>
        l.length === 0 ||
        l.length > 63 ||
        !/^[a-z0-9-]+$/i.test(l) ||
        l.startsWith("-") ||
        l.endsWith("-"),
    )
  ) {
    return "has an invalid domain";
  }
  return null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function phoneProblem(phone: string): string | null {
  if (phone.length > 20) return "must be at most 20 characters";
  if (!/^[0-9+\-() ]+$/.test(phone)) return "may contain only digits, spaces and + - ( )";
  if (!/\d/.test(phone)) return "must contain at least one digit";
  return null;
}

/** ISO calendar date (YYYY-MM-DD) strictly before `today` (UTC). */
export function dateOfBirthProblem(value: string, today: Date): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return "must be an ISO date (YYYY-MM-DD)";
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    return "is not a real calendar date";
  }
  const todayIso = today.toISOString().slice(0, 10);
  if (value >= todayIso) return "must be in the past";
  if (Number(match[1]) < 1900) return "must be after 1900-01-01";
  return null;
}

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

export const ADDRESS_LABELS = ["HOME", "WORK", "OTHER"] as const;
export type AddressLabel = (typeof ADDRESS_LABELS)[number];

export interface AddressInput {
  label?: AddressLabel | null;
  street: string;
  city: string;
  state?: string | null;
  postalCode: string;
  country: string;
}

/** Problems of a whole new address; `prefix` is its input path ("" for a top-level input). */
export function addressProblems(address: AddressInput, prefix: string): FieldError[] {
  const checks: [string, string | null][] = [
    ["street", requiredText(address.street, 255)],
    ["city", requiredText(address.city, 100)],
    ["state", optionalText(address.state, 100)],
    ["postalCode", requiredText(address.postalCode, 20)],
    ["country", requiredText(address.country, 100)],
  ];
  return checks
    .filter((c): c is [string, string] => c[1] !== null)
    .map(([field, message]) => ({ field: fieldPath(prefix, field), message }));
}

/** `address.street` under a prefix, plain `street` for a top-level input. */
export const fieldPath = (prefix: string, field: string): string =>
  prefix === "" ? field : `${prefix}.${field}`;

/** Runs named checks and keeps the failures, in input order. */
export function collect(checks: [string, string | null][]): FieldError[] {
  return checks
    .filter((c): c is [string, string] => c[1] !== null)
    .map(([field, message]) => ({ field, message }));
}
