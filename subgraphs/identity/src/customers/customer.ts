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

export type CustomerEvent = NewEvent<"CustomerRegistered", CustomerRegisteredPayload>;

export interface Decision<S, E> {
  state: S;
  events: E[];
}

/**
 * Decides a registration. Validates every field (reporting all failures at once) and returns the
 * new customer plus its CustomerRegistered event. Uniqueness is the database's job.
 */
export function registerCustomer(
  command: RegisterCustomerCommand,
  ids: { customerId: string; addressId: string },
  now: Date,
): Decision<Customer, CustomerEvent> {
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
