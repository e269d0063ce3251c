import { DomainError } from "@shopstream/errors";
import { throwIfAny } from "@shopstream/rules";
import {
  type Address,
  assertNotClosed,
  type Customer,
  type CustomerDecision,
  changed,
  changesOf,
  newAddress,
  unchanged,
  type ValueChange,
} from "./customer.ts";
import {
  ADDRESS_TEXT_FIELDS,
  type AddressInput,
  type AddressLabel,
  type AddressTextField,
  addressProblems,
  cleanFields,
} from "./customer-rules.ts";

/**
 * Address rules of the Customer aggregate (pure, docs/identity.md "Addresses"): at most 10; when
 * any exist exactly one is the default; the first one added is the default; the last one cannot
 * be removed; removing the default promotes the oldest remaining address. Addresses are kept in
 * insertion order, so "oldest" is simply the first in the list.
 */

export const MAX_ADDRESSES = 10;

/** A partial address change; a field left out is kept, `state: null` clears the state. */
export type UpdateAddressCommand = Partial<Record<AddressTextField, string | null>> & {
  label?: AddressLabel | null;
};

const ADDRESS_FIELDS = ["label", ...ADDRESS_TEXT_FIELDS] as const;
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
  changes: Partial<Record<AddressField, ValueChange<string | null>>>;
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

/** The customer's address, after checking that the customer may still change (not CLOSED). */
function addressOf(customer: Customer, addressId: string, action: string): Address {
  assertNotClosed(customer, action);
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
): CustomerDecision {
  assertNotClosed(customer, "add an address to");
  throwIfAny(addressProblems(input));
  if (customer.addresses.length >= MAX_ADDRESSES) {
    throw stateProblem(customer, "add an address", `already has ${MAX_ADDRESSES} addresses`);
  }
  const address = newAddress(input, addressId, customer.addresses.length === 0);
  const addresses = [...customer.addresses, address];
  return changed(customer, { addresses }, "CustomerAddressAdded", { address });
}

/** Changes some fields of one address; giving only current values changes nothing. */
export function updateCustomerAddress(
  customer: Customer,
  addressId: string,
  command: UpdateAddressCommand,
): CustomerDecision {
  const current = addressOf(customer, addressId, "update an address of");
  throwIfAny(addressProblems(command, { partial: true }));
  const next: Address = {
    ...current,
    ...(cleanFields(command, ADDRESS_TEXT_FIELDS) as Partial<Address>),
    ...(command.label != null && { label: command.label }),
  };
  const changes = changesOf(current, next, ADDRESS_FIELDS);
  if (!changes) return unchanged(customer);
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
export function removeCustomerAddress(customer: Customer, addressId: string): CustomerDecision {
  const removed = addressOf(customer, addressId, "remove an address of");
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
export function setDefaultCustomerAddress(customer: Customer, addressId: string): CustomerDecision {
  const target = addressOf(customer, addressId, "change the default address of");
  if (target.isDefault) return unchanged(customer);
  const previous = customer.addresses.find((a) => a.isDefault) ?? null;
  const addresses = customer.addresses.map((a) => ({ ...a, isDefault: a.id === addressId }));
  return changed(customer, { addresses }, "DefaultCustomerAddressChanged", {
    previousDefaultAddressId: previous?.id ?? null,
    defaultAddressId: addressId,
  });
}
