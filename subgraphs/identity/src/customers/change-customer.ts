import { changeAggregate } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuids } from "@shopstream/rules";
import type { IdentityDeps } from "../context.ts";
import { customerStore } from "./customer.repository.ts";
import type { Customer, CustomerDecision, CustomerTier } from "./customer.ts";
import * as addresses from "./customer-addresses.ts";
import * as lifecycle from "./customer-lifecycle.ts";
import * as profile from "./customer-profile.ts";
import type { AddressInput } from "./customer-rules.ts";

/**
 * The commands on an existing customer, one per mutation; each takes the mutation's arguments.
 * All go through the one write path (`changeAggregate`): load, decide (pure), save guarded by the
 * loaded version with the events in the outbox, in one transaction; a concurrent change that
 * committed first answers CONFLICT.
 */

type Command<A> = (deps: IdentityDeps, args: A, metadata: EventMetadata) => Promise<Customer>;

/** Another customer's email, whatever its case: the unique index on the normalized email. */
function emailTaken(error: unknown): DomainError | null {
  const taken = uniqueViolationFields(error)?.some((f) => f.includes("email"));
  return taken ? DomainError.duplicate("customer", "email") : null;
}

/**
 * Checks the ids (naming every malformed one), then changes the customer. Ids are UUIDs in
 * either case and stored in lower case, so they are compared in lower case.
 */
function changeCustomer(
  deps: IdentityDeps,
  ids: { id: string } | { customerId: string; addressId?: string },
  decide: (customer: Customer, now: Date) => CustomerDecision,
  metadata: EventMetadata,
): Promise<Customer> {
  assertUuids(ids);
  const customerId = ("id" in ids ? ids.id : ids.customerId).toLowerCase();
  return changeAggregate(
    deps,
    customerStore,
    customerId,
    (customer, { now }) => decide(customer, now),
    metadata,
    { mapError: emailTaken },
  );
}

/** A command on the customer named by `id`. */
const onCustomer =
  <A extends { id: string }>(
    decide: (c: Customer, args: A, now: Date) => CustomerDecision,
  ): Command<A> =>
  (deps, args, metadata) =>
    changeCustomer(deps, { id: args.id }, (c, now) => decide(c, args, now), metadata);

/** A command on one address of a customer. */
type AddressRef = { customerId: string; addressId: string };
const onAddress =
  <A extends AddressRef>(
    decide: (c: Customer, addressId: string, args: A) => CustomerDecision,
  ): Command<A> =>
  (deps, args, metadata) =>
    changeCustomer(
      deps,
      { customerId: args.customerId, addressId: args.addressId },
      (c) => decide(c, args.addressId.toLowerCase(), args),
      metadata,
    );

export const updateCustomerProfile = onCustomer<{
  id: string;
  input: profile.UpdateCustomerProfileCommand;
}>((c, { input }, now) => profile.updateCustomerProfile(c, input, now));

export const addCustomerAddress: Command<{ customerId: string; input: AddressInput }> = (
  deps,
  { customerId, input },
  metadata,
) => {
  // Chosen once, so a retried transaction adds the same address.
  const addressId = newId();
  return changeCustomer(
    deps,
    { customerId },
    (c) => addresses.addCustomerAddress(c, input, addressId),
    metadata,
  );
};

export const updateCustomerAddress = onAddress<
  AddressRef & { input: addresses.UpdateAddressCommand }
>((c, addressId, { input }) => addresses.updateCustomerAddress(c, addressId, input));

export const removeCustomerAddress = onAddress(addresses.removeCustomerAddress);

export const setDefaultCustomerAddress = onAddress(addresses.setDefaultCustomerAddress);

export const suspendCustomer = onCustomer<{ id: string; reason: string }>((c, { reason }) =>
  lifecycle.suspendCustomer(c, reason),
);

export const reactivateCustomer = onCustomer(lifecycle.reactivateCustomer);

export const closeCustomer = onCustomer(lifecycle.closeCustomer);

export const upgradeCustomerTier = onCustomer<{ id: string; tier: CustomerTier }>((c, { tier }) =>
  lifecycle.upgradeCustomerTier(c, tier),
);
