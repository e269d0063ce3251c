import type { DomainError } from "@shopstream/errors";
import { defaultMetadata } from "@shopstream/outbox";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, describe, expect, it } from "vitest";
import {
  addCustomerAddress,
  suspendCustomer,
  updateCustomerProfile,
  upgradeCustomerTier,
} from "../src/customers/change-customer.ts";
import type { Customer } from "../src/customers/customer.ts";
import { MAX_ADDRESSES } from "../src/customers/customer-addresses.ts";
import { registerCustomer } from "../src/customers/register-customer.ts";
import { createIdentityPrisma } from "../src/db.ts";

const prisma = createIdentityPrisma(testDatabaseUrl("identity"), { poolSize: 20 });
const deps = { prisma };
const meta = () => defaultMetadata({ actor: "test" });

afterAll(() => prisma.$disconnect());

const address = (n: number) => ({
  street: `${n} Race St`,
  city: "Leeds",
  postalCode: "LS1",
  country: "GB",
});

async function register(addresses = 0): Promise<Customer> {
  const id = unique("race");
  let customer = await registerCustomer(
    deps,
    { externalId: id, email: `${id}@example.com`, firstName: "Ada", lastName: "Lovelace" },
    meta(),
  );
  for (let n = 1; n <= addresses; n++) {
    customer = await addCustomerAddress(deps, customer.id, address(n), meta());
  }
  return customer;
}

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === "fulfilled" ? "OK" : ((r.reason as DomainError).code ?? String(r.reason));

/**
 * Makes commands overlap for certain: a separate transaction holds the customer's row lock
 * (without changing it) until `waiters` other transactions are blocked on that row, i.e. have
 * loaded the customer and reached their guarded save. Then it lets go and they race.
 */
async function whileRowLocked<T>(customerId: string, waiters: number, start: () => Promise<T>) {
  let started: Promise<T> | undefined;
  await prisma.$transaction(
    async (tx) => {
      const [{ pid } = { pid: 0 }] = await tx.$queryRaw<
        { pid: number }[]
      >`SELECT pg_backend_pid() AS pid`;
      await tx.$executeRaw`UPDATE customer SET updated_at = updated_at WHERE id = ${customerId}::uuid`;
      started = start();
      started.catch(() => {});
      const deadline = Date.now() + 10_000;
      for (;;) {
        // Later waiters queue behind earlier ones, so count everything blocked transitively.
        const [row] = await prisma.$queryRaw<{ n: number }[]>`
          WITH RECURSIVE blocked(pid) AS (
            SELECT pid FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))
            UNION
            SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid))
          )
          SELECT count(*)::int AS n FROM blocked`;
        const n = row?.n ?? 0;
        if (n >= waiters) break;
        if (Date.now() > deadline) throw new Error(`only ${n} of ${waiters} commands got blocked`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    { timeout: 15_000 },
  );
  return started!;
}

async function eventVersions(customerId: string) {
  const rows = await prisma.outbox.findMany({
    where: { aggregateId: customerId },
    orderBy: { aggregateVersion: "asc" },
    select: { aggregateVersion: true },
  });
  return rows.map((r) => r.aggregateVersion);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("concurrent changes to one customer", () => {
  it("lets exactly one of two overlapping changes win; the other gets CONFLICT", async () => {
    const customer = await register(1);
    const results = await whileRowLocked(customer.id, 2, () =>
      Promise.allSettled([
        updateCustomerProfile(deps, customer.id, { firstName: "Augusta" }, meta()),
        upgradeCustomerTier(deps, customer.id, "GOLD", meta()),
      ]),
    );
    expect(results.map(codeOf).sort()).toEqual(["CONFLICT", "OK"]);
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(row.version).toBe(customer.version + 1);
    // Exactly the winner's change is there, never both, never a lost update.
    const winner = results.findIndex((r) => r.status === "fulfilled");
    expect([row.firstName, row.tier]).toEqual(
      winner === 0 ? ["Augusta", "STANDARD"] : ["Ada", "GOLD"],
    );
    expect(await eventVersions(customer.id)).toEqual(range(row.version));
  });

  it("never loses an update among many concurrent status and profile changes", async () => {
    const customer = await register();
    const results = await Promise.allSettled([
      ...range(5).map((n) =>
        updateCustomerProfile(deps, customer.id, { lastName: `L${n}` }, meta()),
      ),
      suspendCustomer(deps, customer.id, "race", meta()),
      upgradeCustomerTier(deps, customer.id, "SILVER", meta()),
    ]);
    for (const code of results.map(codeOf)) expect(["OK", "CONFLICT"]).toContain(code);
    const wins = results.filter((r) => r.status === "fulfilled").length;
    expect(wins).toBeGreaterThanOrEqual(1);
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(row.version).toBe(1 + wins);
    expect(await eventVersions(customer.id)).toEqual(range(row.version));
  });

  it("ten concurrent first addresses leave exactly one default and no more than one address per win", async () => {
    const customer = await register(0);
    const results = await whileRowLocked(customer.id, 10, () =>
      Promise.allSettled(
        range(10).map((n) => addCustomerAddress(deps, customer.id, address(n), meta())),
      ),
    );
    expect(results.map(codeOf).sort()).toEqual([...Array(9).fill("CONFLICT"), "OK"]);
    const rows = await prisma.customerAddress.findMany({ where: { customerId: customer.id } });
    expect(rows).toHaveLength(1);
    expect(rows.filter((a) => a.isDefault)).toHaveLength(1);
  });

  it("ten concurrent adds, each retried on CONFLICT, never exceed 10 addresses or break the default", async () => {
    const customer = await register(7);
    const addWithRetry = async (n: number): Promise<string> => {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          await addCustomerAddress(deps, customer.id, address(100 + n), meta());
          return "OK";
        } catch (error) {
          const code = (error as DomainError).code;
          if (code !== "CONFLICT") return code;
          await new Promise((r) => setTimeout(r, Math.random() * 20));
        }
      }
      return "GAVE_UP";
    };
    const outcomes = await Promise.all(range(10).map(addWithRetry));
    expect(outcomes.sort()).toEqual([
      ...Array(7).fill("INVALID_STATE_TRANSITION"),
      ...Array(3).fill("OK"),
    ]);
    const rows = await prisma.customerAddress.findMany({
      where: { customerId: customer.id },
      orderBy: { position: "asc" },
    });
    expect(rows).toHaveLength(MAX_ADDRESSES);
    expect(rows.filter((a) => a.isDefault).map((a) => a.street)).toEqual(["1 Race St"]);
    const row = await prisma.customer.findUniqueOrThrow({ where: { id: customer.id } });
    expect(await eventVersions(customer.id)).toEqual(range(row.version));
    expect(row.version).toBe(1 + MAX_ADDRESSES);
  });
});
