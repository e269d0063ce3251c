import { DomainError, type FieldError } from "@shopstream/errors";
import { PermanentEventError } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import { z } from "zod";
import {
  CUSTOMER_STATUSES,
  CUSTOMER_TIERS,
  type CustomerEventType,
  type CustomerStatus,
  type CustomerTier,
} from "./customer.ts";
import { normalizeEmail } from "./customer-rules.ts";

/**
 * Pure side of the customer directory (identity's read model behind `Query.customers`): how each
 * Customer event changes a directory entry, and the listing's cursors. No I/O here.
 */

/** One row of `customer_directory`. */
export interface DirectoryEntry {
  id: string;
  email: string;
  emailNormalized: string;
  firstName: string;
  lastName: string;
  tier: CustomerTier;
  status: CustomerStatus;
  registeredAt: Date;
  version: number;
}

export type DirectoryFields = Omit<DirectoryEntry, "id" | "version">;

/**
 * What one event does to the directory, stamped with the event's aggregate version: `put` writes
 * a whole entry (creating it), `patch` changes some fields of an existing one. Either is applied
 * only when `version` is newer than the stored entry's, so a repeated or late event is a no-op.
 */
export type DirectoryWrite =
  | { kind: "put"; entry: DirectoryEntry }
  | { kind: "patch"; id: string; version: number; fields: Partial<DirectoryFields> };

export type DirectoryProjection = (event: DomainEvent) => DirectoryWrite;

const customerRegisteredPayload = z.object({
  customerId: z.string(),
  email: z.string().min(1),
  firstName: z.string(),
  lastName: z.string(),
  tier: z.enum(CUSTOMER_TIERS),
  status: z.enum(CUSTOMER_STATUSES),
  registeredAt: z.iso.datetime(),
});

/** Parses an event's payload; a payload that can never apply is a permanent failure. */
function payloadOf<T>(event: DomainEvent, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(event.payload);
  if (!parsed.success) {
    throw new PermanentEventError(
      `${event.type} ${event.id}: invalid payload: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

export function customerRegisteredToEntry(event: DomainEvent): DirectoryEntry {
  const payload = payloadOf(event, customerRegisteredPayload);
  if (payload.customerId !== event.aggregateId) {
    throw new PermanentEventError(
      `${event.type} ${event.id}: payload customerId ${payload.customerId} is not aggregate ${event.aggregateId}`,
    );
  }
  return {
    id: event.aggregateId,
    email: payload.email,
    emailNormalized: normalizeEmail(payload.email),
    firstName: payload.firstName,
    lastName: payload.lastName,
    tier: payload.tier,
    status: payload.status,
    registeredAt: new Date(payload.registeredAt),
    version: event.aggregateVersion,
  };
}

const patch = (event: DomainEvent, fields: Partial<DirectoryFields>): DirectoryWrite => ({
  kind: "patch",
  id: event.aggregateId,
  version: event.aggregateVersion,
  fields,
});

const profileUpdatedPayload = z.object({
  changes: z.object({
    email: z.object({ new: z.string().min(1) }).optional(),
    firstName: z.object({ new: z.string() }).optional(),
    lastName: z.object({ new: z.string() }).optional(),
  }),
});
const tierUpgradedPayload = z.object({ tier: z.enum(CUSTOMER_TIERS) });

/** The directory fields a profile update touches (phone and dateOfBirth are not listed). */
export function profileUpdatedToFields(event: DomainEvent): Partial<DirectoryFields> {
  const { changes } = payloadOf(event, profileUpdatedPayload);
  return {
    ...(changes.email && {
      email: changes.email.new,
      emailNormalized: normalizeEmail(changes.email.new),
    }),
    ...(changes.firstName && { firstName: changes.firstName.new }),
    ...(changes.lastName && { lastName: changes.lastName.new }),
  };
}

/**
 * The directory's projection, by event type. Every Customer event type is either here or in
 * `directoryIgnores` (a unit test checks both lists against `CUSTOMER_EVENT_TYPES`); the runner
 * acknowledges ignored types without effect, keeping the per-customer version order.
 */
export const directoryProjections: Partial<Record<CustomerEventType, DirectoryProjection>> = {
  CustomerRegistered: (event) => ({ kind: "put", entry: customerRegisteredToEntry(event) }),
  CustomerProfileUpdated: (event) => patch(event, profileUpdatedToFields(event)),
  CustomerSuspended: (event) => patch(event, { status: "SUSPENDED" }),
  CustomerReactivated: (event) => patch(event, { status: "ACTIVE" }),
  CustomerClosed: (event) => patch(event, { status: "CLOSED" }),
  CustomerTierUpgraded: (event) =>
    patch(event, { tier: payloadOf(event, tierUpgradedPayload).tier }),
};

/** Customer events that change nothing the directory holds: addresses are not listed there. */
export const directoryIgnores: CustomerEventType[] = [
  "CustomerAddressAdded",
  "CustomerAddressUpdated",
  "CustomerAddressRemoved",
  "DefaultCustomerAddressChanged",
];

// ---- Listing: order (registeredAt desc, id desc) and its opaque cursors ----

/** The listing's sort key; a cursor encodes the key of the edge it belongs to. */
export interface DirectoryCursor {
  registeredAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor(key: DirectoryCursor): string {
  return Buffer.from(`${key.registeredAt.toISOString()}|${key.id}`, "utf8").toString("base64url");
}

/** The key inside a cursor, or null when the string is not a cursor this listing issued. */
export function decodeCursor(cursor: string): DirectoryCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const [iso = "", id = "", ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || !ISO_UTC_MS.test(iso) || !UUID.test(id)) return null;
  const registeredAt = new Date(iso);
  if (Number.isNaN(registeredAt.getTime()) || registeredAt.toISOString() !== iso) return null;
  return { registeredAt, id };
}

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
const EMAIL_MAX = 320;

export interface CustomerFilter {
  /** Case-insensitive prefix of the email. */
  email?: string | null;
  tier?: CustomerTier | null;
  status?: CustomerStatus | null;
}

export interface CustomersArgs {
  filter?: CustomerFilter | null;
  first?: number | null;
  after?: string | null;
}

/** Validated listing arguments: the email prefix is normalized like stored emails. */
export interface DirectoryQuery {
  emailPrefix: string | null;
  tier: CustomerTier | null;
  status: CustomerStatus | null;
  first: number;
  after: DirectoryCursor | null;
}

/** Checks the arguments of `Query.customers`, reporting every offending one at once. */
export function parseCustomersArgs(args: CustomersArgs): DirectoryQuery {
  const problems: FieldError[] = [];
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    problems.push({ field: "first", message: `must be between 0 and ${MAX_PAGE_SIZE}` });
  }
  const after = args.after == null ? null : decodeCursor(args.after);
  if (args.after != null && after === null) {
    problems.push({ field: "after", message: "is not a cursor of this list" });
  }
  const email = args.filter?.email == null ? null : normalizeEmail(args.filter.email);
  if (email !== null && email.length > EMAIL_MAX) {
    problems.push({ field: "filter.email", message: `must be at most ${EMAIL_MAX} characters` });
  }
  if (problems.length > 0) throw DomainError.validation(problems);
  return {
    emailPrefix: email || null,
    tier: args.filter?.tier ?? null,
    status: args.filter?.status ?? null,
    first,
    after,
  };
}
