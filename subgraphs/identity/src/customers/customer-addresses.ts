import { DomainError, type FieldError } from "@shopstream/errors";
import {
  type Address,
  assertNotClosed,
  type Customer,
  type CustomerEvent,
  changed,
  type Decision,
  unchanged,
} from "./customer.ts";
import type { ValueChange } from "./customer-profile.ts";
import {
  type AddressInput,
  type AddressLabel,
  addressProblems,
  collect,
  optionalText,
  requiredText,
} from "./customer-rules.ts";

/**
 * Address rules of the Customer aggregate (pure, DOMAIN.md "addresses"): at most 10; when any
 * exist exactly one is the default; the first one added is the default; the last one cannot be
 * removed; removing the default promotes the oldest remaining address. Addresses are kept in
 * insertion order, so "oldest" is simply the first in the list.
 */

export const MAX_ADDRESSES = 10;

/** A partial address change; a field left out is kept, `state: null` clears the state. */
export interface UpdateAddressCommand {
  label?: AddressLabel | null;
  street?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
}

const ADDRESS_FIELDS = ["label", "street", "city", "state", "postalCode", "country"] as const;
type AddressField = (typeof ADDRESS_FIELDS)[number];

export interface CustomerAddressAddedPayload {
  customerId: string;
  /** The new address as stored, `isDefault` included (true for the first address). */
  address: Address;
}

export interface CustomerAddressUpdatedPayload {
  customerId: string;
  addressId: string;
  /** Only the fields whose value changed. */
  changes: Partial<Record<AddressField, ValueChange>>;
  /** The address after the change. */
  address: Address;
}

export interface CustomerAddressRemovedPayload {
  customerId: string;
  addressId: string;
  /** The address as it was before removal. */
  address: Address;
  wasDefault: boolean;
  /** The address that became the default because the default was removed, else null. */
  promotedDefaultAddressId: string | null;
}

export interface DefaultCustomerAddressChangedPayload {
  customerId: string;
  previousDefaultAddressId: string | null;
  defaultAddressId: string;
}

function findAddress(customer: Customer, addressId: string): Address {
  const address = customer.addresses.find((a) => a.id === addressId);
  if (!address) throw DomainError.notFound("CustomerAddress", addressId);
  return address;
}

function stateProblem(customer: Customer, action: string, from: string): DomainError {
  return new DomainError("INVALID_STATE_TRANSITION", `Cannot ${action}: the customer ${from}`, {
    entity: "Customer",
    id: customer.id,
    from,
    action,
  });
}

/** Adds an address (the default when it is the first). Fails at the 10-address limit. */
export function addCustomerAddress(
  customer: Customer,
  input: AddressInput,
  addressId: string,
): Decision<Customer, CustomerEvent> {
  assertNotClosed(customer, "add an address to");
  const problems = addressProblems(input, "");
  if (problems.length > 0) throw DomainError.validation(problems);
  if (customer.addresses.length >= MAX_ADDRESSES) {
    throw stateProblem(customer, "add an address", `already has ${MAX_ADDRESSES} addresses`);
  }
  const address: Address = {
    id: addressId,
    label: input.label ?? "HOME",
    street: input.street.trim(),
    city: input.city.trim(),
    state: input.state?.trim() || null,
    postalCode: input.postalCode.trim(),
    country: input.country.trim(),
    isDefault: customer.addresses.length === 0,
  };
  return changed(
    customer,
    { addresses: [...customer.addresses, address] },
    "CustomerAddressAdded",
    {
      address,
    },
  );
}

function addressUpdateProblems(command: UpdateAddressCommand): FieldError[] {
  const required = (v: string | null | undefined, max: number) =>
    v === undefined ? null : requiredText(v, max);
  return collect([
    ["street", required(command.street, 255)],
    ["city", required(command.city, 100)],
    ["state", optionalText(command.state, 100)],
    ["postalCode", required(command.postalCode, 20)],
    ["country", required(command.country, 100)],
  ]);
}

/** Changes some fields of one address; giving only current values changes nothing. */
export function updateCustomerAddress(
  customer: Customer,
  addressId: string,
  command: UpdateAddressCommand,
): Decision<Customer, CustomerEvent> {
  assertNotClosed(customer, "update an address of");
  const current = findAddress(customer, addressId);
  const problems = addressUpdateProblems(command);
  if (problems.length > 0) throw DomainError.validation(problems);

  const next: Address = {
    ...current,
    ...(command.label != null && { label: command.label }),
    ...(command.street != null && { street: command.street.trim() }),
    ...(command.city != null && { city: command.city.trim() }),
    ...(command.state !== undefined && { state: command.state?.trim() || null }),
    ...(command.postalCode != null && { postalCode: command.postalCode.trim() }),
    ...(command.country != null && { country: command.country.trim() }),
  };
  const changes: CustomerAddressUpdatedPayload["changes"] = {};
  for (const field of ADDRESS_FIELDS) {
    if (next[field] !== current[field]) {
      changes[field] = { previous: current[field], new: next[field] };
    }
  }
  if (Object.keys(changes).length === 0) return unchanged(customer);
  const addresses = customer.addresses.map((a) => (a.id === addressId ? next : a));
  return changed(customer, { addresses }, "CustomerAddressUpdated", {
    addressId,
    changes,
    address: next,
  });
}

/**
 * Removes an address. The last one cannot be removed; removing the default promotes the oldest
 * remaining address, reported in the same event (one change, one event, one version).
 */
export function removeCustomerAddress(
  customer: Customer,
  addressId: string,
): Decision<Customer, CustomerEvent> {
  assertNotClosed(customer, "remove an address of");
  const removed = findAddress(customer, addressId);
  if (customer.addresses.length === 1) {
    throw stateProblem(customer, "remove the last address", "has no other address");
  }
  const remaining = customer.addresses.filter((a) => a.id !== addressId);
  const promoted = removed.isDefault ? remaining[0]! : null;
  const addresses = remaining.map((a) => (a === promoted ? { ...a, isDefault: true } : a));
  return changed(customer, { addresses }, "CustomerAddressRemoved", {
    addressId,
    address: removed,
    wasDefault: removed.isDefault,
    promotedDefaultAddressId: promoted?.id ?? null,
  });
}

/** Makes one address the default; choosing the current default changes nothing. */
export function setDefaultCustomerAddress(
  customer: Customer,
  addressId: string,
): Decision<Customer, CustomerEvent> {
  assertNotClosed(customer, "change the default address of");
  const target = findAddress(customer, addressId);
  if (target.isDefault) return unchanged(customer);
  const previous = customer.addresses.find((a) => a.isDefault) ?? null;
  const addresses = customer.addresses.map((a) => ({ ...a, isDefault: a.id === addressId }));
  return changed(customer, { addresses }, "DefaultCustomerAddressChanged", {
    previousDefaultAddressId: previous?.id ?? null,
    defaultAddressId: addressId,
  });
}
