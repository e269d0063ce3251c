import { createAggregate } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import type { IdentityDeps } from "../context.ts";
import { insertCustomer } from "./customer.repository.ts";
import {
  type Customer,
  registerCustomer as decide,
  type RegisterCustomerCommand,
} from "./customer.ts";

/** A taken email or externalId: the unique indexes say which (email wins if both are taken). */
function taken(error: unknown): DomainError | null {
  const fields = uniqueViolationFields(error);
  if (!fields) return null;
  return DomainError.duplicate(
    "customer",
    fields.some((f) => f.includes("email")) ? "email" : "externalId",
  );
}

/**
 * Registers a customer: decide (pure), then write the customer and its CustomerRegistered event
 * to the outbox in one transaction. Email and externalId uniqueness is enforced by the
 * database's unique indexes, so two concurrent registrations cannot both succeed: the loser
 * answers DUPLICATE naming the field.
 */
export function registerCustomer(
  deps: IdentityDeps,
  command: RegisterCustomerCommand,
  metadata: EventMetadata,
): Promise<Customer> {
  const ids = { customerId: newId(), addressId: newId() };
  return createAggregate(
    deps,
    { entity: "Customer", insert: insertCustomer },
    ({ now }) => decide(command, ids, now),
    metadata,
    { mapError: taken },
  );
}
