import { domainError, fieldsOf } from "@shopstream/testing/kit";
import type { Address, Customer } from "./customer.ts";

/** Test data for the pure domain tests (no I/O). */

export const NOW = new Date("2026-11-24T12:00:00.000Z");
export const CUSTOMER_ID = "01900000-0000-7000-8000-000000000001";
/** The ids a registration is given. */
export const NEW_IDS = {
  customerId: CUSTOMER_ID,
  addressId: "01900000-0000-7000-8000-000000000002",
};

/** A deterministic address id: `addressId(3)` ends in ...a03. */
export const addressId = (n: number) =>
  `01900000-0000-7000-8000-000000000a${String(n).padStart(2, "0")}`;

export function address(n: number, isDefault = false): Address {
  return {
    id: addressId(n),
    label: "HOME",
    street: `${n} Main St`,
    city: "London",
    state: null,
    postalCode: "N1",
    country: "GB",
    isDefault,
  };
}

/** An ACTIVE STANDARD customer at version 3; `addresses: n` gives n addresses, the first default. */
export function customer(
  overrides: Partial<Omit<Customer, "addresses">> & { addresses?: number | Address[] } = {},
): Customer {
  const { addresses = 0, ...rest } = overrides;
  return {
    id: CUSTOMER_ID,
    externalId: "ext-1",
    email: "ada@example.com",
    firstName: "Ada",
    lastName: "Lovelace",
    phone: null,
    dateOfBirth: null,
    tier: "STANDARD",
    status: "ACTIVE",
    suspensionReason: null,
    registeredAt: "2026-01-01T00:00:00.000Z",
    version: 3,
    addresses:
      typeof addresses === "number"
        ? Array.from({ length: addresses }, (_, i) => address(i + 1, i === 0))
        : addresses,
    ...rest,
  };
}

/** The fields named by the VALIDATION_FAILED that `fn` throws, in order. */
export const invalidFields = (fn: () => unknown): string[] =>
  fieldsOf(domainError(fn, "VALIDATION_FAILED"));

export const defaults = (c: Customer) => c.addresses.filter((a) => a.isDefault).map((a) => a.id);
