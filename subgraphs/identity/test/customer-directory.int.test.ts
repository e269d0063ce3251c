import { type DomainEvent, defaultMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { createLogger } from "@shopstream/service";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../src/context.ts";
import {
  addCustomerAddress,
  closeCustomer,
  suspendCustomer,
  updateCustomerProfile,
  upgradeCustomerTier,
} from "../src/customers/change-customer.ts";
import { insertCustomer } from "../src/customers/customer.repository.ts";
import {
  type CustomerStatus,
  type CustomerTier,
  registerCustomer,
} from "../src/customers/customer.ts";
import { createCustomerDirectoryConsumer } from "../src/customers/customer-directory.consumer.ts";
import { registerCustomer as registerCommand } from "../src/customers/register-customer.ts";
import { createIdentityPrisma } from "../src/db.ts";
import { createServer } from "../src/server.ts";

const prisma = createIdentityPrisma(testDatabaseUrl("identity"));
const consumer = createCustomerDirectoryConsumer(prisma);
const server = createServer(createLogger("identity-test", "error"));

beforeAll(() => server.start());
afterAll(async () => {
  await server.stop();
  await prisma.$disconnect();
});

/** Delivers one event the way the runner will: the consumer's handler in its transaction. */
async function deliver(event: DomainEvent) {
  const handler = consumer.handlers[event.type];
  if (!handler) throw new Error(`no handler for ${event.type}`);
  await consumer.transaction((tx) => handler(event, tx));
}

interface Seed {
  email: string;
  registeredAt: Date;
  tier?: CustomerTier;
  status?: CustomerStatus;
  firstName?: string;
}

/**
 * Writes a customer (the source of truth) and returns its CustomerRegistered event. Tier and
 * status are set on both, standing in for the upgrade/suspend commands that do not exist yet.
 */
async function seedCustomer(seed: Seed): Promise<DomainEvent> {
  const decided = registerCustomer(
    {
      externalId: unique("ext"),
      email: seed.email,
      firstName: seed.firstName ?? "Ada",
      lastName: "Lovelace",
      address: { street: "1 Main St", city: "London", postalCode: "N1", country: "GB" },
    },
    { customerId: newId(), addressId: newId() },
    seed.registeredAt,
  );
  const overrides = { tier: seed.tier ?? "STANDARD", status: seed.status ?? "ACTIVE" } as const;
  await insertCustomer(prisma, { ...decided.state, ...overrides });
  const event = decided.events[0]!;
  return toEnvelope(
    { ...event, payload: { ...event.payload, ...overrides } },
    defaultMetadata({ actor: "test" }),
    seed.registeredAt,
  );
}

async function registerAndProject(seed: Seed): Promise<string> {
  const event = await seedCustomer(seed);
  await deliver(event);
  return event.aggregateId;
}

const ctx = () => createContext({ prisma }, { correlationId: "test", actor: "test" });

interface Page {
  edges: { cursor: string; node: { id: string; email: string; tier: string; status: string } }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

const CUSTOMERS = `query($filter: CustomerFilter, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id email tier status firstName defaultAddress { city } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

async function customers(variables: Record<string, unknown>) {
  const res = await server.executeOperation(
    { query: CUSTOMERS, variables },
    { contextValue: ctx() },
  );
  if (res.body.kind !== "single") throw new Error("expected a single result");
  return res.body.singleResult as {
    data?: { customers: Page } | null;
    errors?: readonly { extensions?: Record<string, unknown> }[];
  };
}

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await customers(variables);
  expect(result.errors).toBeUndefined();
  return result.data!.customers;
}

const at = (iso: string) => new Date(iso);

describe("customer directory consumer", () => {
  it("projects CustomerRegistered and ignores a repeated or older event", async () => {
    const email = `${unique("Proj")}@Example.com`;
    const event = await seedCustomer({ email, registeredAt: at("2024-05-01T10:00:00.000Z") });
    await deliver(event);
    const entry = () =>
      prisma.customerDirectoryEntry.findUniqueOrThrow({ where: { id: event.aggregateId } });
    const first = await entry();
    expect(first).toMatchObject({
      email,
      emailNormalized: email.toLowerCase(),
      firstName: "Ada",
      tier: "STANDARD",
      status: "ACTIVE",
      registeredAt: at("2024-05-01T10:00:00.000Z"),
      version: 1,
    });

    await deliver(event);
    expect(await entry()).toEqual(first);

    // A newer event wins; one older than what is stored changes nothing.
    const withName = (firstName: string, version: number): DomainEvent => ({
      ...event,
      id: newId(),
      aggregateVersion: version,
      payload: { ...(event.payload as object), firstName },
    });
    await deliver(withName("Newer", 3));
    const newer = await entry();
    expect(newer).toMatchObject({ firstName: "Newer", version: 3 });
    await deliver(withName("Older", 2));
    await deliver(withName("Same", 3));
    expect(await entry()).toEqual(newer);
  });

  it("leaves the directory untouched when the handler's transaction fails", async () => {
    const event = await seedCustomer({
      email: `${unique("rollback")}@example.com`,
      registeredAt: at("2024-05-01T10:00:00.000Z"),
    });
    const handler = consumer.handlers.CustomerRegistered!;
    await expect(
      consumer.transaction(async (tx) => {
        await handler(event, tx);
        throw new Error("later step failed");
      }),
    ).rejects.toThrow("later step failed");
    expect(
      await prisma.customerDirectoryEntry.findUnique({ where: { id: event.aggregateId } }),
    ).toBeNull();
  });
});

describe("Query.customers", () => {
  it("filters by case-insensitive email prefix, tier and status", async () => {
    const prefix = unique("flt");
    const seeds: [string, CustomerTier, CustomerStatus][] = [
      ["a", "STANDARD", "ACTIVE"],
      ["b", "GOLD", "ACTIVE"],
      ["c", "GOLD", "SUSPENDED"],
      ["d", "PLATINUM", "CLOSED"],
    ];
    const ids: Record<string, string> = {};
    for (const [name, tier, status] of seeds) {
      ids[name] = await registerAndProject({
        email: `${prefix.toUpperCase()}.${name}@Example.com`,
        registeredAt: at(`2024-06-0${Object.keys(ids).length + 1}T00:00:00.000Z`),
        tier,
        status,
      });
    }
    const names = async (filter: Record<string, unknown>) => {
      const result = await page({ filter: { email: prefix, ...filter } });
      expect(result.totalCount).toBe(result.edges.length);
      return result.edges.map((e) => Object.keys(ids).find((k) => ids[k] === e.node.id));
    };

    expect(await names({})).toEqual(["d", "c", "b", "a"]);
    expect(await names({ email: `${prefix}.B@EXAMPLE` })).toEqual(["b"]);
    expect(await names({ tier: "GOLD" })).toEqual(["c", "b"]);
    expect(await names({ status: "ACTIVE" })).toEqual(["b", "a"]);
    expect(await names({ tier: "GOLD", status: "SUSPENDED" })).toEqual(["c"]);
    expect(await names({ tier: "SILVER" })).toEqual([]);
    // LIKE wildcards in the prefix are taken literally.
    expect(await names({ email: `${prefix}%` })).toEqual([]);
    expect(await names({ email: `${prefix}_a` })).toEqual([]);

    // Nodes are resolved from the customer table, not the directory.
    const [node] = (await page({ filter: { email: `${prefix}.a@` } })).edges.map((e) => e.node);
    expect(node).toMatchObject({ tier: "STANDARD", status: "ACTIVE", firstName: "Ada" });
    await prisma.customer.update({ where: { id: ids.a! }, data: { firstName: "Augusta" } });
    const [renamed] = (await page({ filter: { email: `${prefix}.a@` } })).edges;
    expect(renamed?.node).toMatchObject({
      firstName: "Augusta",
      defaultAddress: { city: "London" },
    });
  });

  it("pages with first/after in (registeredAt desc, id desc) order without overlaps or gaps", async () => {
    const prefix = unique("pg");
    // Three customers share a timestamp, so the id must break the tie.
    const times = ["01", "02", "02", "02", "03", "04", "05"];
    const seeded: { id: string; registeredAt: string }[] = [];
    for (const [i, day] of times.entries()) {
      const registeredAt = `2024-07-${day}T08:00:00.000Z`;
      const id = await registerAndProject({
        email: `${prefix}-${i}@example.com`,
        registeredAt: at(registeredAt),
      });
      seeded.push({ id, registeredAt });
    }
    const expected = seeded
      .sort((a, b) =>
        a.registeredAt === b.registeredAt
          ? b.id.localeCompare(a.id)
          : b.registeredAt.localeCompare(a.registeredAt),
      )
      .map((s) => s.id);

    const filter = { email: prefix.toUpperCase() };
    const seen: string[] = [];
    const pages: Page["pageInfo"][] = [];
    let after: string | null = null;
    do {
      const result: Page = await page({ filter, first: 3, after });
      expect(result.totalCount).toBe(7);
      seen.push(...result.edges.map((e) => e.node.id));
      pages.push(result.pageInfo);
      expect(result.pageInfo.startCursor).toBe(result.edges[0]?.cursor ?? null);
      after = result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null;
    } while (after);

    expect(seen).toEqual(expected);
    expect(pages.map((p) => [p.hasPreviousPage, p.hasNextPage])).toEqual([
      [false, true],
      [true, true],
      [true, false],
    ]);

    const empty = await page({ filter, first: 0 });
    expect(empty).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 7,
    });
  });

  it("rejects first outside 0..100 and a malformed cursor with VALIDATION_FAILED", async () => {
    for (const [variables, field] of [
      [{ first: 101 }, "first"],
      [{ first: -1 }, "first"],
      [{ after: "bm90LWEtY3Vyc29y" }, "after"],
    ] as const) {
      const result = await customers(variables);
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: "VALIDATION_FAILED",
        fields: [{ field }],
      });
    }
    expect((await page({ filter: { email: unique("none") }, first: 100 })).totalCount).toBe(0);
  });
});

/** The outbox rows of one customer as the events the relay would hand to the consumer. */
async function eventsOf(customerId: string): Promise<DomainEvent[]> {
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
    metadata: r.metadata as unknown as DomainEvent["metadata"],
  }));
}

/** Like the runner: events without a handler are acknowledged without effect. */
async function deliverAll(events: DomainEvent[]) {
  for (const event of events) {
    const handler = consumer.handlers[event.type];
    if (handler) await consumer.transaction((tx) => handler(event, tx));
  }
}

describe("directory after customer changes", () => {
  it("reflects email, name, tier and status changes; repeats and late events change nothing", async () => {
    const deps = { prisma };
    const meta = defaultMetadata({ actor: "test" });
    const prefix = unique("life");
    const { id } = await registerCommand(
      deps,
      { externalId: prefix, email: `${prefix}@example.com`, firstName: "Ada", lastName: "L" },
      meta,
    );
    await addCustomerAddress(
      deps,
      id,
      { street: "1 Main St", city: "London", postalCode: "N1", country: "GB" },
      meta,
    );
    const email = `${prefix}.new@Example.com`;
    await updateCustomerProfile(deps, id, { email, firstName: "Augusta", phone: "123" }, meta);
    await upgradeCustomerTier(deps, id, "PLATINUM", meta);
    await suspendCustomer(deps, id, "fraud check", meta);
    await closeCustomer(deps, id, meta);

    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual([
      "CustomerRegistered",
      "CustomerAddressAdded",
      "CustomerProfileUpdated",
      "CustomerTierUpgraded",
      "CustomerSuspended",
      "CustomerClosed",
    ]);
    await deliverAll(events);
    const entry = () => prisma.customerDirectoryEntry.findUniqueOrThrow({ where: { id } });
    const projected = await entry();
    expect(projected).toMatchObject({
      email,
      emailNormalized: email.toLowerCase(),
      firstName: "Augusta",
      lastName: "L",
      tier: "PLATINUM",
      status: "CLOSED",
      version: 6,
    });

    // Redelivered and late events (e.g. the suspension after the closure) change nothing.
    await deliverAll([...events].reverse());
    expect(await entry()).toEqual(projected);

    const listed = await page({
      filter: { email: `${prefix}.NEW`, status: "CLOSED", tier: "PLATINUM" },
    });
    expect(listed.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ id, email, status: "CLOSED", tier: "PLATINUM" }),
    ]);
    // The old email no longer matches.
    expect((await page({ filter: { email: `${prefix}@` } })).totalCount).toBe(0);
  });
});
