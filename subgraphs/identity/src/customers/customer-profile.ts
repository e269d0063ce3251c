import { throwIfAny } from "@shopstream/rules";
import {
  assertNotClosed,
  type Customer,
  type CustomerDecision,
  changed,
  changesOf,
  unchanged,
  type ValueChange,
} from "./customer.ts";
import {
  cleanFields,
  PROFILE_FIELDS,
  type ProfileField,
  profileProblems,
} from "./customer-rules.ts";

/**
 * Profile changes of the Customer aggregate (pure). A field left out (undefined) is kept; phone
 * and dateOfBirth are cleared by null or an empty string; email and names cannot be cleared.
 */
export type UpdateCustomerProfileCommand = Partial<Record<ProfileField, string | null>>;

export interface CustomerProfileUpdatedPayload {
  customerId: string;
  /** Only the fields whose value changed. */
  changes: Partial<Record<ProfileField, ValueChange>>;
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
): CustomerDecision {
  assertNotClosed(customer, "update the profile of");
  throwIfAny(profileProblems(command, now, { partial: true }));
  const next = cleanFields(command, PROFILE_FIELDS) as Partial<Pick<Customer, ProfileField>>;
  const changes = changesOf(customer, { ...customer, ...next }, PROFILE_FIELDS);
  if (!changes) return unchanged(customer);
  return changed(customer, next, "CustomerProfileUpdated", { changes });
}
