import type { Decision } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import { cleanText, collect, requiredText, throwIfAny } from "@shopstream/rules";
import {
  ADDRESS_TEXT_FIELDS,
  type AddressInput,
  type AddressLabel,
  type AddressTextField,
  addressProblems,
  cleanFields,
  EXTERNAL_ID_MAX,
  PROFILE_FIELDS,
  profileProblems,
} from "./customer-rules.ts";

/**
 * Pure domain for the Customer aggregate (docs/identity.md): its state, the helpers every
 * decision shares, and registration. Profile, addresses and status/tier decide in their own files.
 */

export const CUSTOMER_TIERS = ["STANDARD", "SILVER", "GOLD", "PLATINUM"] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];
export const CUSTOMER_STATUSES = ["ACTIVE", "SUSPENDED", "CLOSED"] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

export interface Address {
  id: string;
  label: AddressLabel;
  street: string;
  city: string;
  state: string | null;
  postalCode: string;
  country: string;
  isDefault: boolean;
}

export interface Customer {
  id: string;
  externalId: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  /** ISO date, YYYY-MM-DD. */
  dateOfBirth: string | null;
  tier: CustomerTier;
  status: CustomerStatus;
  /** Why the customer is suspended; set only while SUSPENDED. */
  suspensionReason: string | null;
  /** In insertion order (oldest first). */
  addresses: Address[];
  registeredAt: string;
  version: number;
}

/** Registration's input: the profile (phone and date of birth optional) and maybe an address. */
export type RegisterCustomerCommand = Pick<
  Customer,
  "externalId" | "email" | "firstName" | "lastName"
> &
  Partial<Pick<Customer, "phone" | "dateOfBirth">> & { address?: AddressInput | null };

/** The registered customer as the event carries it: everything but addresses and bookkeeping. */
export type CustomerRegisteredPayload = { customerId: string } & Omit<
  Customer,
  "id" | "addresses" | "suspensionReason" | "version"
>;

export type CustomerRegistered = NewEvent<"CustomerRegistered", CustomerRegisteredPayload>;

/**
 * Every event type the Customer aggregate raises. Consumers following "Customer" receive all of
 * them (the directory test checks that each one is either projected or deliberately ignored).
 */
export const CUSTOMER_EVENT_TYPES = [
  "CustomerRegistered",
  "CustomerProfileUpdated",
  "CustomerAddressAdded",
  "CustomerAddressUpdated",
  "CustomerAddressRemoved",
  "DefaultCustomerAddressChanged",
  "CustomerSuspended",
  "CustomerReactivated",
  "CustomerClosed",
  "CustomerTierUpgraded",
] as const;
export type CustomerEventType = (typeof CUSTOMER_EVENT_TYPES)[number];

/** Any Customer event; payload types live next to the decisions that raise them. */
export type CustomerEvent = NewEvent<CustomerEventType, object>;

export type CustomerDecision = Decision<Customer, CustomerEvent>;

/** A changed value: what it was and what it is now. */
export interface ValueChange<T = string | null> {
  previous: T;
  new: T;
}

/** The `fields` whose value differs between `before` and `after`, or null when none does. */
export function changesOf<T, F extends keyof T>(
  before: T,
  after: T,
  fields: readonly F[],
): Partial<Record<F, ValueChange<T[F]>>> | null {
  const changed = fields.filter((f) => after[f] !== before[f]);
  if (changed.length === 0) return null;
  return Object.fromEntries(
    changed.map((f) => [f, { previous: before[f], new: after[f] }]),
  ) as Partial<Record<F, ValueChange<T[F]>>>;
}

/** A customer may place orders and check out only while ACTIVE (docs/identity.md, "Status"). */
export const canPlaceOrders = (customer: Pick<Customer, "status">): boolean =>
  customer.status === "ACTIVE";

/** Nothing changed: no event, no new version. */
export const unchanged = (customer: Customer): CustomerDecision => ({
  state: customer,
  events: [],
});

/** The event recording `customer` at its version; every Customer payload names the customer. */
function customerEvent<T extends CustomerEventType, P extends object>(
  customer: Customer,
  type: T,
  payload: P,
): NewEvent<T, P & { customerId: string }> {
  return {
    type,
    aggregateType: "Customer",
    aggregateId: customer.id,
    aggregateVersion: customer.version,
    payload: { customerId: customer.id, ...payload },
  };
}

/**
 * One change to an existing customer: the new state at the next version and the one event that
 * records it, carrying that version (versions stay gap-free).
 */
export function changed<T extends CustomerEventType, P extends object>(
  customer: Customer,
  next: Partial<Omit<Customer, "id" | "version">>,
  type: T,
  payload: P,
): CustomerDecision {
  const state = { ...customer, ...next, version: customer.version + 1 };
  return { state, events: [customerEvent(state, type, payload)] };
}

/** A CLOSED customer is terminal: nothing about it changes any more. */
export function assertNotClosed(customer: Customer, action: string): void {
  if (customer.status === "CLOSED") {
    throw DomainError.invalidTransition("Customer", customer.status, action);
  }
}

/** A new address as stored: its text trimmed (as it was judged), HOME unless labelled. */
export function newAddress(input: AddressInput, id: string, isDefault: boolean): Address {
  const text = cleanFields(input, ADDRESS_TEXT_FIELDS) as Pick<Address, AddressTextField>;
  return { id, label: input.label ?? "HOME", ...text, state: text.state ?? null, isDefault };
}

/**
 * Decides a registration. Validates every field (reporting all failures at once) and returns the
 * new customer plus its CustomerRegistered event. Uniqueness is the database's job.
 */
export function registerCustomer(
  command: RegisterCustomerCommand,
  ids: { customerId: string; addressId: string },
  now: Date,
): Decision<Customer, CustomerRegistered> {
  throwIfAny([
    ...collect([["externalId", requiredText(command.externalId, EXTERNAL_ID_MAX)]]),
    ...profileProblems(command, now),
    ...(command.address ? addressProblems(command.address, { prefix: "address" }) : []),
  ]);
  const registered: Omit<CustomerRegisteredPayload, "customerId"> = {
    externalId: cleanText(command.externalId)!,
    phone: null,
    dateOfBirth: null,
    ...(cleanFields(command, PROFILE_FIELDS) as Omit<
      RegisterCustomerCommand,
      "externalId" | "address"
    >),
    tier: "STANDARD",
    status: "ACTIVE",
    registeredAt: now.toISOString(),
  };
  const customer: Customer = {
    id: ids.customerId,
    ...registered,
    suspensionReason: null,
    // The first address is always the default (docs/identity.md, "Addresses").
    addresses: command.address ? [newAddress(command.address, ids.addressId, true)] : [],
    version: 1,
  };
  return { state: customer, events: [customerEvent(customer, "CustomerRegistered", registered)] };
}
