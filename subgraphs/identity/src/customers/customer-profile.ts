import { DomainError } from "@shopstream/errors";
import {
  assertNotClosed,
  type Customer,
  type CustomerEvent,
  changed,
  type Decision,
  unchanged,
} from "./customer.ts";
import {
  collect,
  dateOfBirthProblem,
  emailProblem,
  phoneProblem,
  requiredText,
} from "./customer-rules.ts";

/**
 * Profile changes of the Customer aggregate (pure). A field left out (undefined) is kept; phone
 * and dateOfBirth are cleared by null or an empty string; email and names cannot be cleared.
 */
export interface UpdateCustomerProfileCommand {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  dateOfBirth?: string | null;
}

export const PROFILE_FIELDS = ["email", "firstName", "lastName", "phone", "dateOfBirth"] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** A changed value: what it was and what it is now. */
export interface ValueChange<T = string | null> {
  previous: T;
  new: T;
}

export interface CustomerProfileUpdatedPayload {
  customerId: string;
  /** Only the fields whose value changed. */
  changes: Partial<Record<ProfileField, ValueChange>>;
}

/** The trimmed value to store, or undefined when the field is not part of the command. */
function requested(command: UpdateCustomerProfileCommand) {
  const text = (v: string | null | undefined) =>
    v === undefined ? undefined : (v?.trim() ?? null);
  const clearable = (v: string | null | undefined) =>
    v === undefined ? undefined : v?.trim() || null;
  return {
    email: text(command.email),
    firstName: text(command.firstName),
    lastName: text(command.lastName),
    phone: clearable(command.phone),
    dateOfBirth: clearable(command.dateOfBirth),
  };
}

/**
 * Decides a profile update: validates every given field (all failures at once), then raises one
 * CustomerProfileUpdated listing each changed field with its previous and new value. Giving only
 * the current values changes nothing (no event, same version). Email uniqueness (regardless of
 * case) is the database's job; the command maps a violation to DUPLICATE.
 */
export function updateCustomerProfile(
  customer: Customer,
  command: UpdateCustomerProfileCommand,
  now: Date,
): Decision<Customer, CustomerEvent> {
  assertNotClosed(customer, "update the profile of");
  const next = requested(command);
  const problems = collect([
    ["email", next.email === undefined ? null : emailProblem(next.email ?? "")],
    ["firstName", next.firstName === undefined ? null : requiredText(next.firstName, 100)],
    ["lastName", next.lastName === undefined ? null : requiredText(next.lastName, 100)],
    ["phone", next.phone == null ? null : phoneProblem(next.phone)],
    ["dateOfBirth", next.dateOfBirth == null ? null : dateOfBirthProblem(next.dateOfBirth, now)],
  ]);
  if (problems.length > 0) throw DomainError.validation(problems);

  const changes: CustomerProfileUpdatedPayload["changes"] = {};
  for (const field of PROFILE_FIELDS) {
    const value = next[field];
    if (value !== undefined && value !== customer[field]) {
      changes[field] = { previous: customer[field], new: value };
    }
  }
  if (Object.keys(changes).length === 0) return unchanged(customer);
  const state = Object.fromEntries(Object.entries(changes).map(([f, c]) => [f, c.new]));
  return changed(customer, state, "CustomerProfileUpdated", { changes });
}
