import type { Connection } from "@shopstream/connection";
import { OutOfOrderError } from "@shopstream/events";
import { type DomainEvent, newId } from "@shopstream/outbox";
import { deliverEvent, deliverEvents, unique } from "@shopstream/testing";
import { describe, expect, it } from "vitest";
import {
  addCustomerAddress,
  closeCustomer,
  suspendCustomer,
  updateCustomerProfile,
  upgradeCustomerTier,
} from "../src/customers/change-customer.ts";
import type { CustomerStatus, CustomerTier } from "../src/customers/customer.ts";
import { createCustomerDirectoryConsumer } from "../src/customers/customer-directory.consumer.ts";
import { applyDirectoryWrite } from "../src/customers/customer-directory.repository.ts";
import { registerCustomer } from "../src/customers/register-customer.ts";
import { deps, gql, meta, outboxEvents, prisma, useIdentity } from "./identity.harness.ts";

useIdentity();

/** The directory's clock: every entry it writes is stamped with this time. */
const PROJECTED_AT = new Date("2030-01-01T00:00:00.000Z");
const consumer = createCustomerDirectoryConsumer(prisma, { now: () => PROJECTED_AT });

const at = (iso: string) => new Date(iso);
const entryOf = (id: string) => prisma.customerDirectoryEntry.findUniqueOrThrow({ where: { id } });

interface Seed {
  email: string;
  registeredAt: Date;
  tier?: CustomerTier;
  status?: CustomerStatus;
  firstName?: string;
}

/**
 * Registers a customer at `registeredAt` (the commands' injected clock), moves it to the tier
 * and status asked for with the real commands, and returns its events as the relay would
 * hand them to the directory.
 */
async function seedCustomer(seed: Seed): Promise<DomainEvent[]> {
  const seedDeps = { ...deps, now: () => seed.registeredAt };
  const { id } = await registerCustomer(
    seedDeps,
    {
      externalId: unique("ext"),
      email: seed.email,
      firstName: seed.firstName ?? "Ada",
      lastName: "Lovelace",
      address: { street: "1 Main St", city: "London", postalCode: "N1", country: "GB" },
    },
    meta(),
  );
  if (seed.tier && seed.tier !== "STANDARD")
    await upgradeCustomerTier(seedDeps, { id, tier: seed.tier }, meta());
  if (seed.status === "SUSPENDED") await suspendCustomer(seedDeps, { id, reason: "x" }, meta());
  if (seed.status === "CLOSED") await closeCustomer(seedDeps, { id }, meta());
  return outboxEvents(id);
}

async function registerAndProject(seed: Seed): Promise<string> {
  const events = await seedCustomer(seed);
  expect(await deliverEvents(consumer, events)).toEqual(events.map(() => "applied"));
  return events[0]!.aggregateId;
}

type Page = Connection<{ id: string; email: string; tier: string; status: string }>;

const CUSTOMERS = `query($filter: CustomerFilter, $first: Int, $after: String) {
  customers(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id email tier status firstName defaultAddress { city } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

const customers = (variables: Record<string, unknown>) =>
  gql<{ customers: Page }>(CUSTOMERS, variables);

async function page(variables: Record<string, unknown>): Promise<Page> {
  const result = await customers(variables);
  expect(result.errors).toBeUndefined();
  return result.data!.customers;
}

describe("customer directory consumer", () => {
  it("projects each event once, in version order, through the inbox", async () => {
    const email = `${unique("Proj")}@Example.com`;
    const [registered] = await seedCustomer({
      email,
      registeredAt: at("2024-05-01T10:00:00.000Z"),
    });
    const id = registered!.aggregateId;
    expect(await deliverEvent(consumer, registered!)).toBe("applied");
    const first = await entryOf(id);
    expect(first).toMatchObject({
      email,
      emailNormalized: email.toLowerCase(),
      firstName: "Ada",
      tier: "STANDARD",
      status: "ACTIVE",
      registeredAt: at("2024-05-01T10:00:00.000Z"),
      version: 1,
      updatedAt: PROJECTED_AT,
    });

    // A repeat is recognised by the inbox and changes nothing.
    expect(await deliverEvent(consumer, registered!)).toBe("skipped-duplicate");
    expect(await entryOf(id)).toEqual(first);

    await updateCustomerProfile(deps, { id, input: { firstName: "Newer" } }, meta());
    await upgradeCustomerTier(deps, { id, tier: "GOLD" }, meta());
    const [, renamed, upgraded] = await outboxEvents(id);
    // An event ahead of its predecessor waits (the runner retries it later), writing nothing.
    await expect(deliverEvent(consumer, upgraded!)).rejects.toThrow(OutOfOrderError);
    expect(await entryOf(id)).toEqual(first);

    expect(await deliverEvents(consumer, [renamed!, upgraded!])).toEqual(["applied", "applied"]);
    const newer = await entryOf(id);
    expect(newer).toMatchObject({ firstName: "Newer", tier: "GOLD", version: 3 });

    // A late copy of an older event (another id, same version) is skipped as well.
    const late = {
      ...renamed!,
      id: newId(),
      payload: { changes: { firstName: { new: "Older" } } },
    };
    expect(await deliverEvent(consumer, late)).toBe("skipped-duplicate");
    expect(await entryOf(id)).toEqual(newer);
  });

  it("never lets an older or repeated version overwrite an entry", async () => {
    const [registered] = await seedCustomer({
      email: `${unique("guard")}@example.com`,
      registeredAt: at("2024-05-02T10:00:00.000Z"),
    });
    const id = registered!.aggregateId;
    await deliverEvent(consumer, registered!);
    const write = (version: number, firstName: string) =>
      prisma.$transaction((tx) =>
        applyDirectoryWrite(tx, { kind: "patch", id, version, fields: { firstName } }, new Date()),
      );
    expect(await write(3, "Newer")).toBe(true);
    const newer = await entryOf(id);
    expect(newer).toMatchObject({ firstName: "Newer", version: 3 });
    expect(await write(2, "Older")).toBe(false);
    expect(await write(3, "Same")).toBe(false);
    expect(await entryOf(id)).toEqual(newer);
  });

  it("leaves the directory and the inbox untouched when the handler's transaction fails", async () => {
    const [registered] = await seedCustomer({
      email: `${unique("rollback")}@example.com`,
      registeredAt: at("2024-05-01T10:00:00.000Z"),
    });
    const failing: typeof consumer = {
      ...consumer,
      handlers: {
        CustomerRegistered: async (event, tx) => {
          await consumer.handlers.CustomerRegistered!(event, tx);
          throw new Error("later step failed");
        },
      },
    };
    await expect(deliverEvent(failing, registered!)).rejects.toThrow("later step failed");
    expect(
      await prisma.customerDirectoryEntry.findUnique({ where: { id: registered!.aggregateId } }),
    ).toBeNull();
    // Nothing was recorded as delivered, so the retry applies it.
    expect(await deliverEvent(consumer, registered!)).toBe("applied");
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

describe("directory after customer changes", () => {
  it("reflects email, name, tier and status changes; redeliveries change nothing", async () => {
    const prefix = unique("life");
    const { id } = await registerCustomer(
      deps,
      { externalId: prefix, email: `${prefix}@example.com`, firstName: "Ada", lastName: "L" },
      meta(),
    );
    await addCustomerAddress(
      deps,
      {
        customerId: id,
        input: { street: "1 Main St", city: "London", postalCode: "N1", country: "GB" },
      },
      meta(),
    );
    const email = `${prefix}.new@Example.com`;
    await updateCustomerProfile(
      deps,
      { id, input: { email, firstName: "Augusta", phone: "123" } },
      meta(),
    );
    await upgradeCustomerTier(deps, { id, tier: "PLATINUM" }, meta());
    await suspendCustomer(deps, { id, reason: "fraud check" }, meta());
    await closeCustomer(deps, { id }, meta());

    const events = await outboxEvents(id);
    expect(events.map((e) => e.type)).toEqual([
      "CustomerRegistered",
      "CustomerAddressAdded",
      "CustomerProfileUpdated",
      "CustomerTierUpgraded",
      "CustomerSuspended",
      "CustomerClosed",
    ]);
    // Address events are acknowledged without effect, keeping the version order.
    expect(await deliverEvents(consumer, events)).toEqual([
      "applied",
      "skipped-unhandled",
      "applied",
      "applied",
      "applied",
      "applied",
    ]);
    const projected = await entryOf(id);
    expect(projected).toMatchObject({
      email,
      emailNormalized: email.toLowerCase(),
      firstName: "Augusta",
      lastName: "L",
      tier: "PLATINUM",
      status: "CLOSED",
      version: 6,
    });

    // Redelivered events, in any order (the suspension after the closure, say), change nothing.
    const again = await deliverEvents(consumer, [...events].reverse());
    expect(again).toEqual(events.map(() => "skipped-duplicate"));
    expect(await entryOf(id)).toEqual(projected);

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
