import {
  type CursorCodec,
  type Page,
  type PageArgs,
  parsePage,
  timeIdCursor,
} from "@shopstream/connection";
import { PermanentEventError, parsePayload } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import { collect, optionalText } from "@shopstream/rules";
import { z } from "zod";
import {
  CUSTOMER_STATUSES,
  CUSTOMER_TIERS,
  type CustomerEventType,
  type CustomerStatus,
  type CustomerTier,
} from "./customer.ts";
import { EMAIL_MAX, normalizeEmail } from "./customer-rules.ts";

/**
 * Pure side of the customer directory (identity's read model behind `Query.customers`,
 * docs/identity.md "Customer directory"): how each Customer event changes a directory entry, and
 * the listing's order and arguments. No I/O here.
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

export function customerRegisteredToEntry(event: DomainEvent): DirectoryEntry {
  const payload = parsePayload(customerRegisteredPayload, event);
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
  const { changes } = parsePayload(profileUpdatedPayload, event);
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
    patch(event, { tier: parsePayload(tierUpgradedPayload, event).tier }),
};

/** Customer events that change nothing the directory holds: addresses are not listed there. */
export const directoryIgnores: CustomerEventType[] = [
  "CustomerAddressAdded",
  "CustomerAddressUpdated",
  "CustomerAddressRemoved",
  "DefaultCustomerAddressChanged",
];

// ---- Listing: order (registeredAt desc, id desc) and its arguments ----

/** The listing's sort key (registration time, then id); each edge's cursor carries its own. */
export type DirectoryKey = { at: string; id: string };

export const directoryCursors: CursorCodec<DirectoryKey> = timeIdCursor("customers");

export interface CustomerFilter {
  /** Case-insensitive prefix of the email. */
  email?: string | null;
  tier?: CustomerTier | null;
  status?: CustomerStatus | null;
}

export interface CustomersArgs extends PageArgs {
  filter?: CustomerFilter | null;
}

/** Validated listing arguments: the email prefix is normalized like stored emails. */
export interface DirectoryQuery extends Page<DirectoryKey> {
  emailPrefix: string | null;
  tier: CustomerTier | null;
  status: CustomerStatus | null;
}

/** Checks the arguments of `Query.customers`, reporting every offending one at once. */
export function parseCustomersArgs(args: CustomersArgs): DirectoryQuery {
  const email = args.filter?.email == null ? null : normalizeEmail(args.filter.email);
  const filterProblems = collect([["email", optionalText(email, EMAIL_MAX)]], "filter");
  return {
    emailPrefix: email || null,
    tier: args.filter?.tier ?? null,
    status: args.filter?.status ?? null,
    ...parsePage(args, directoryCursors, filterProblems),
  };
}
