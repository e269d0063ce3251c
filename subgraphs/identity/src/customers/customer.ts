import { DomainError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import {
  type AddressInput,
  type AddressLabel,
  addressProblems,
  collect,
  dateOfBirthProblem,
  emailProblem,
  normalizeEmail,
  phoneProblem,
  requiredText,
} from "./customer-rules.ts";

/** Pure domain for the Customer aggregate: state, decisions and the events they raise. */

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

export interface RegisterCustomerCommand {
  externalId: string;
  email: string;
  firstName: string;
  lastName: string;
  phone?: string | null;
  dateOfBirth?: string | null;
  address?: AddressInput | null;
}

export interface CustomerRegisteredPayload {
  customerId: string;
  externalId: string;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  dateOfBirth: string | null;
  tier: CustomerTier;
  status: CustomerStatus;
  registeredAt: string;
}

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

export interface Decision<S, E> {
  state: S;
  events: E[];
}

/** A customer may place orders and check out only while ACTIVE (DOMAIN.md, "status"). */
export const canPlaceOrders = (customer: Pick<Customer, "status">): boolean =>
  customer.status === "ACTIVE";

/** Nothing changed: no event, no new version. */
export const unchanged = (customer: Customer): Decision<Customer, CustomerEvent> => ({
  state: customer,
  events: [],
});

/**
 * One change to an existing customer: the new state at the next version and the one event that
 * records it, carrying that version (versions stay gap-free).
 */
export function changed<T extends CustomerEventType, P extends object>(
  customer: Customer,
  next: Partial<Omit<Customer, "id" | "version">>,
  type: T,
  payload: P,
): Decision<Customer, CustomerEvent> {
  const version = customer.version + 1;
  return {
    state: { ...customer, ...next, version },
    events: [
      {
        type,
        aggregateType: "Customer",
        aggregateId: customer.id,
        aggregateVersion: version,
        payload: { customerId: customer.id, ...payload },
      },
    ],
  };
}

/** A CLOSED customer is terminal: nothing about it changes any more. */
export function assertNotClosed(customer: Customer, action: string): void {
  if (customer.status === "CLOSED") {
    throw DomainError.invalidTransition("Customer", customer.status, action);
  }
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
  const email = command.email.trim();
  const phone = command.phone?.trim() || null;
  const dateOfBirth = command.dateOfBirth?.trim() || null;
  const problems = collect([
    ["externalId", requiredText(command.externalId, 255)],
    ["email", emailProblem(email)],
    ["firstName", requiredText(command.firstName, 100)],
    ["lastName", requiredText(command.lastName, 100)],
    ["phone", phone === null ? null : phoneProblem(phone)],
    ["dateOfBirth", dateOfBirth === null ? null : dateOfBirthProblem(dateOfBirth, now)],
  ]);
  if (command.address) problems.push(...addressProblems(command.address, "address"));
  if (problems.length > 0) throw DomainError.validation(problems);

  const customer: Customer = {
    id: ids.customerId,
    externalId: command.externalId.trim(),
    email,
    firstName: command.firstName.trim(),
    lastName: command.lastName.trim(),
    phone,
    dateOfBirth,
    tier: "STANDARD",
    status: "ACTIVE",
    suspensionReason: null,
    addresses: command.address
      ? [
          {
            id: ids.addressId,
            label: command.address.label ?? "HOME",
            street: command.address.street.trim(),
            city: command.address.city.trim(),
            state: command.address.state?.trim() || null,
            postalCode: command.address.postalCode.trim(),
            country: command.address.country.trim(),
            // The first address is always the default (DOMAIN.md).
            isDefault: true,
          },
        ]
      : [],
    registeredAt: now.toISOString(),
    version: 1,
  };
  return {
    state: customer,
    events: [
      {
        type: "CustomerRegistered",
        aggregateType: "Customer",
        aggregateId: customer.id,
        aggregateVersion: customer.version,
        payload: {
          customerId: customer.id,
          externalId: customer.externalId,
          email: customer.email,
          firstName: customer.firstName,
          lastName: customer.lastName,
          phone: customer.phone,
          dateOfBirth: customer.dateOfBirth,
          tier: customer.tier,
          status: customer.status,
          registeredAt: customer.registeredAt,
        },
      },
    ],
  };
}

export { normalizeEmail };
