import type { FieldError } from "@shopstream/errors";
import { cleanText, collect, optionalText, type Problem, requiredText } from "@shopstream/rules";

/**
 * Identity's own field rules (docs/identity.md, "Fields and rules"), built on @shopstream/rules:
 * every text is judged as it is stored, trimmed, and each check returns a message or null so
 * that one validation pass reports every offending field at once.
 */

export const EXTERNAL_ID_MAX = 255;
export const NAME_MAX = 100;
export const EMAIL_MAX = 320;
const EMAIL_LOCAL_MAX = 64;
const PHONE_MAX = 20;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Required; one `@`, no spaces, no `..`, a domain with a dot or an IP literal. */
export function emailProblem(value: string | null | undefined): Problem {
  const email = cleanText(value);
  if (email === null) return "is required";
  if (email.length > EMAIL_MAX) return `must be at most ${EMAIL_MAX} characters`;
  if (/\s/.test(email)) return "must not contain spaces";
  const at = email.split("@");
  if (at.length !== 2) return "must contain exactly one @";
  const [local = "", domain = ""] = at;
  if (local.length === 0) return "must have a name before the @";
  if (local.length > EMAIL_LOCAL_MAX)
    return `must have at most ${EMAIL_LOCAL_MAX} characters before the @`;
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
  const badLabel = (l: string) =>
    l.length === 0 ||
    l.length > 63 ||
    !/^[a-z0-9-]+$/i.test(l) ||
    l.startsWith("-") ||
    l.endsWith("-");
  return domain.split(".").some(badLabel) ? "has an invalid domain" : null;
}

/** How emails are compared (uniqueness, directory search): trimmed and lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Optional; digits, spaces and `+ - ( )`, with at least one digit. */
export function phoneProblem(value: string | null | undefined): Problem {
  const phone = cleanText(value);
  if (phone === null) return null;
  if (phone.length > PHONE_MAX) return `must be at most ${PHONE_MAX} characters`;
  if (!/^[0-9+\-() ]+$/.test(phone)) return "may contain only digits, spaces and + - ( )";
  if (!/\d/.test(phone)) return "must contain at least one digit";
  return null;
}

/** Optional; an ISO calendar date (YYYY-MM-DD) from 1900 on, strictly before `today` (UTC). */
export function dateOfBirthProblem(value: string | null | undefined, today: Date): Problem {
  const date = cleanText(value);
  if (date === null) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return "must be an ISO date (YYYY-MM-DD)";
  const parsed = new Date(`${date}T00:00:00.000Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    return "is not a real calendar date";
  }
  if (date >= today.toISOString().slice(0, 10)) return "must be in the past";
  if (Number(match[1]) < 1900) return "must be after 1900-01-01";
  return null;
}

/** The profile: what registration sets and `updateCustomerProfile` may change. */
export const PROFILE_FIELDS = ["email", "firstName", "lastName", "phone", "dateOfBirth"] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

const PROFILE_RULES: Record<
  ProfileField,
  (value: string | null | undefined, today: Date) => Problem
> = {
  email: emailProblem,
  firstName: (v) => requiredText(v, NAME_MAX),
  lastName: (v) => requiredText(v, NAME_MAX),
  phone: phoneProblem,
  dateOfBirth: dateOfBirthProblem,
};

/**
 * Problems of the profile fields, in field order: a registration's are judged whole, a change
 * (`partial`) only in the fields it gives.
 */
export function profileProblems(
  profile: Partial<Record<ProfileField, string | null>>,
  today: Date,
  { partial = false } = {},
): FieldError[] {
  const judged = PROFILE_FIELDS.filter((f) => !partial || profile[f] !== undefined);
  return collect(judged.map((f) => [f, PROFILE_RULES[f](profile[f], today)]));
}

export const ADDRESS_LABELS = ["HOME", "WORK", "OTHER"] as const;
export type AddressLabel = (typeof ADDRESS_LABELS)[number];

export const ADDRESS_TEXT_FIELDS = ["street", "city", "state", "postalCode", "country"] as const;
export type AddressTextField = (typeof ADDRESS_TEXT_FIELDS)[number];

export interface AddressInput {
  label?: AddressLabel | null;
  street: string;
  city: string;
  state?: string | null;
  postalCode: string;
  country: string;
}

const ADDRESS_RULES: Record<AddressTextField, (value: string | null | undefined) => Problem> = {
  street: (v) => requiredText(v, 255),
  city: (v) => requiredText(v, 100),
  state: (v) => optionalText(v, 100),
  postalCode: (v) => requiredText(v, 20),
  country: (v) => requiredText(v, 100),
};

/**
 * Problems of an address's text fields, named under `prefix` (`address.street` at registration,
 * plain `street` for a top-level input). A new address is judged whole; a change (`partial`) only
 * in the fields it gives, so leaving one out keeps it while null clears it (refused if required).
 */
export function addressProblems(
  address: Partial<Record<AddressTextField, string | null>>,
  { prefix = "", partial = false } = {},
): FieldError[] {
  const judged = ADDRESS_TEXT_FIELDS.filter((f) => !partial || address[f] !== undefined);
  return collect(
    judged.map((f) => [f, ADDRESS_RULES[f](address[f])]),
    prefix,
  );
}

/**
 * The given (not undefined) text fields as commands store them: trimmed, blank as null. Judged
 * first, so a required field is never null here.
 */
export function cleanFields<F extends string>(
  input: Partial<Record<F, string | null>>,
  fields: readonly F[],
): Partial<Record<F, string | null>> {
  return Object.fromEntries(
    fields.filter((f) => input[f] !== undefined).map((f) => [f, cleanText(input[f])]),
  ) as Partial<Record<F, string | null>>;
}
