import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuid, isUuid } from "@shopstream/rules";
import { findCustomersByIds, saveCustomer } from "./customer.repository.ts";
import type { Customer, CustomerEvent, CustomerTier, Decision } from "./customer.ts";
import * as addresses from "./customer-addresses.ts";
import * as lifecycle from "./customer-lifecycle.ts";
import * as profile from "./customer-profile.ts";
import { type AddressInput, collect } from "./customer-rules.ts";
import type { CommandDeps } from "./register-customer.ts";

type Decide = (customer: Customer, now: Date) => Decision<Customer, CustomerEvent>;

/**
 * The one write path for an existing customer: in one transaction, load it, decide (pure), then
 * save the new state guarded by the loaded version together with its events in the outbox.
 * A concurrent change that committed first makes the guarded save match nothing: CONFLICT,
 * never a lost update. A decision without events writes nothing and returns the customer as is.
 */
export async function changeCustomer(
  deps: CommandDeps,
  customerId: string,
  decide: Decide,
  metadata: EventMetadata,
): Promise<Customer> {
  const now = deps.now?.() ?? new Date();
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const [current] = await findCustomersByIds(tx, [customerId]);
      if (!current) throw DomainError.notFound("Customer", customerId);
      const { state, events } = decide(current, now);
      if (events.length === 0) return current;
      if (!(await saveCustomer(tx, current, state, now))) {
        throw DomainError.conflict("Customer", customerId);
      }
      await appendToOutbox(
        tx,
        events.map((e) => toEnvelope(e, metadata, now)),
      );
      return state;
    });
  } catch (error) {
    const fields = uniqueViolationFields(error);
    if (fields?.some((f) => f.includes("email"))) throw DomainError.duplicate("customer", "email");
    throw error;
  }
}

// ---- Commands (the resolvers' one-liners) ----

export const updateCustomerProfile = (
  deps: CommandDeps,
  id: string,
  input: profile.UpdateCustomerProfileCommand,
  metadata: EventMetadata,
) =>
  changeCustomer(
    deps,
    assertUuid(id),
    (c, now) => profile.updateCustomerProfile(c, input, now),
    metadata,
  );

export const addCustomerAddress = (
  deps: CommandDeps,
  customerId: string,
  input: AddressInput,
  metadata: EventMetadata,
) => {
  const addressId = newId();
  return changeCustomer(
    deps,
    assertUuid(customerId, "customerId"),
    (c) => addresses.addCustomerAddress(c, input, addressId),
    metadata,
  );
};

export const updateCustomerAddress = (
  deps: CommandDeps,
  customerId: string,
  addressId: string,
  input: addresses.UpdateAddressCommand,
  metadata: EventMetadata,
) =>
  changeCustomer(
    deps,
    assertIds(customerId, addressId),
    (c) => addresses.updateCustomerAddress(c, addressId, input),
    metadata,
  );

export const removeCustomerAddress = (
  deps: CommandDeps,
  customerId: string,
  addressId: string,
  metadata: EventMetadata,
) =>
  changeCustomer(
    deps,
    assertIds(customerId, addressId),
    (c) => addresses.removeCustomerAddress(c, addressId),
    metadata,
  );

export const setDefaultCustomerAddress = (
  deps: CommandDeps,
  customerId: string,
  addressId: string,
  metadata: EventMetadata,
) =>
  changeCustomer(
    deps,
    assertIds(customerId, addressId),
    (c) => addresses.setDefaultCustomerAddress(c, addressId),
    metadata,
  );

export const suspendCustomer = (
  deps: CommandDeps,
  id: string,
  reason: string,
  metadata: EventMetadata,
) => changeCustomer(deps, assertUuid(id), (c) => lifecycle.suspendCustomer(c, reason), metadata);

export const reactivateCustomer = (deps: CommandDeps, id: string, metadata: EventMetadata) =>
  changeCustomer(deps, assertUuid(id), lifecycle.reactivateCustomer, metadata);

export const closeCustomer = (deps: CommandDeps, id: string, metadata: EventMetadata) =>
  changeCustomer(deps, assertUuid(id), lifecycle.closeCustomer, metadata);

export const upgradeCustomerTier = (
  deps: CommandDeps,
  id: string,
  tier: CustomerTier,
  metadata: EventMetadata,
) => changeCustomer(deps, assertUuid(id), (c) => lifecycle.upgradeCustomerTier(c, tier), metadata);

/** Checks both ids at once, so a caller learns about every malformed one. */
function assertIds(customerId: string, addressId: string): string {
  const problems = collect([
    ["customerId", isUuid(customerId) ? null : "must be a UUID"],
    ["addressId", isUuid(addressId) ? null : "must be a UUID"],
  ]);
  if (problems.length > 0) throw DomainError.validation(problems);
  return customerId;
}
