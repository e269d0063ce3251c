import { actorOf, type Principal } from "@shopstream/auth";
import { type DomainEvent, defaultMetadata, type EventMetadata } from "@shopstream/outbox";
import { createLogger } from "@shopstream/service";
import { TEST_ADMIN, testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, beforeAll } from "vitest";
import { createContext, type IdentityDeps } from "../src/context.ts";
import type { RegisterCustomerCommand } from "../src/customers/customer.ts";
import { createIdentityPrisma } from "../src/db.ts";
import { createServer } from "../src/server.ts";

/** Shared set-up of identity's integration tests: a real database and the in-process server. */
export const prisma = createIdentityPrisma(testDatabaseUrl("identity"), { poolSize: 20 });
export const server = createServer(createLogger("identity-test", "error"));
export const deps: IdentityDeps = { prisma };

/** Starts the server before the file's tests and closes it and the database after them. */
export function useIdentity(): void {
  beforeAll(() => server.start());
  afterAll(async () => {
    await server.stop();
    await prisma.$disconnect();
  });
}

export const meta = (): EventMetadata => defaultMetadata({ actor: "test" });

export interface GqlResult<T> {
  data?: T | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** Runs one operation on the in-process server, as a request with its own context (as admin). */
export function gql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult<T>> {
  return gqlAs<T>(TEST_ADMIN, query, variables);
}

/** Runs one operation on the in-process server as `principal`. */
export async function gqlAs<T = Record<string, unknown>>(
  principal: Principal,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlResult<T>> {
  const res = await server.executeOperation(
    { query, variables },
    {
      contextValue: createContext(deps, {
        correlationId: "test",
        principal,
        actor: actorOf(principal),
      }),
    },
  );
  if (res.body.kind !== "single") throw new Error("expected a single result");
  return res.body.singleResult as GqlResult<T>;
}

/** A valid registration with a fresh externalId and email. */
export function newCustomer(prefix = "c"): RegisterCustomerCommand {
  const id = unique(prefix);
  return { externalId: id, email: `${id}@example.com`, firstName: "Ada", lastName: "Lovelace" };
}

/** A customer's outbox rows, oldest first, as the events the relay hands to consumers. */
export async function outboxEvents(customerId: string): Promise<DomainEvent[]> {
  const rows = await prisma.outbox.findMany({
    where: { aggregateId: customerId },
    orderBy: { aggregateVersion: "asc" },
  });
  return rows.map((r) => ({
    id: r.eventId,
    type: r.eventType,
    schemaVersion: r.schemaVersion,
    aggregateType: r.aggregateType,
    aggregateId: r.aggregateId,
    aggregateVersion: r.aggregateVersion,
    occurredAt: r.occurredAt.toISOString(),
    payload: r.payload,
    metadata: r.metadata as unknown as EventMetadata,
  }));
}
