import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import type { IdentityPrisma } from "../db.ts";
import { insertCustomer } from "./customer.repository.ts";
import {
  type Customer,
  registerCustomer as decide,
  type RegisterCustomerCommand,
} from "./customer.ts";

export interface CommandDeps {
  prisma: IdentityPrisma;
  now?: () => Date;
}

/**
 * Registers a customer: decide (pure), then write the customer and its CustomerRegistered event
 * to the outbox in one transaction. Email and externalId uniqueness is enforced by the
 * database's unique indexes, so two concurrent registrations cannot both succeed.
 */
export async function registerCustomer(
  deps: CommandDeps,
  command: RegisterCustomerCommand,
  metadata: EventMetadata,
): Promise<Customer> {
  const now = deps.now?.() ?? new Date();
  const { state, events } = decide(command, { customerId: newId(), addressId: newId() }, now);
  try {
    await deps.prisma.$transaction(async (tx) => {
      await insertCustomer(tx, state);
      await appendToOutbox(
        tx,
        events.map((e) => toEnvelope(e, metadata, now)),
      );
    });
  } catch (error) {
    const fields = uniqueViolationFields(error);
    if (fields) {
      const field = fields.some((f) => f.includes("email")) ? "email" : "externalId";
      throw DomainError.duplicate("customer", field);
    }
    throw error;
  }
  return state;
}
