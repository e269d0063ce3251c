import { isDomainError } from "@shopstream/errors";
import { pollUntil } from "@shopstream/testing";
import { describe, expect, it } from "vitest";
import {
  addCustomerAddress,
  suspendCustomer,
  updateCustomerProfile,
  upgradeCustomerTier,
} from "../src/customers/change-customer.ts";
import type { Customer } from "../src/customers/customer.ts";
import { MAX_ADDRESSES } from "../src/customers/customer-addresses.ts";
import { registerCustomer } from "../src/customers/register-customer.ts";
import { deps, meta, newCustomer, outboxEvents, prisma, useIdentity } from "./identity.harness.ts";

useIdentity();

const address = (n: number) => ({
  street: `${n} Race St`,
  city: "Leeds",
  postalCode: "LS1",
  country: "GB",
});

async function register(addresses = 0): Promise<Customer> {
  let customer = await registerCustomer(deps, newCustomer("race"), meta());
  for (let n = 1; n <= addresses; n++) {
    customer = await addCustomerAddress(
      deps,
      { customerId: customer.id, input: address(n) },
      meta(),
    );
  }
  return customer;
}

/** "OK", or the code a command failed with. */
const outcome = (r: PromiseSettledResult<unknown>) =>
  r.status === "fulfilled" ? "OK" : isDomainError(r.reason) ? r.reason.code : String(r.reason);

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
  return counts;
}

/**
 * A race test must see the interleaving it exists for: runs fresh rounds (each checking its own
 * invariants) until one's tally shows it, at most `rounds` times, and returns that tally.
 */
async function untilSeen(
  what: string,
  round: () => Promise<Record<string, number>>,
  seen: (tally: Record<string, number>) => boolean,
  rounds = 10,
): Promise<Record<string, number>> {
  const tallies: Record<string, number>[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = await round();
    if (seen(t)) return t;
    tallies.push(t);
  }
  throw new Error(`never saw ${what} in ${rounds} rounds: ${JSON.stringify(tallies)}`);
}

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
      // Later waiters queue behind earlier ones, so count everything blocked transitively.
      const blocked = async () => {
        const [row] = await prisma.$queryRaw<{ n: number }[]>`
          WITH RECURSIVE blocked(pid) AS (
            SELECT pid FROM pg_stat_activity WHERE ${pid}::int = ANY(pg_blocking_pids(pid))
            UNION
            SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY(pg_blocking_pids(a.pid))
          )
          SELECT count(*)::int AS n FROM blocked`;
        return row?.n ?? 0;
      };
      await pollUntil(`${waiters} blocked commands`, blocked, (n) => n >= waiters, {
        timeoutMs: 10_000,
        intervalMs: 10,
      });
    },
    { timeout: 15_000 },
  );
  return started!;
}

const eventVersions = async (customerId: string) =>
  (await outboxEvents(customerId)).map((e) => e.aggregateVersion);

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("concurrent changes to one customer", () => {
  it("lets exactly one of two overlapping changes win; the other gets CONFLICT", async () => {
    const customer = await register(1);
    const results = await whileRowLocked(customer.id, 2, () =>
      Promise.allSettled([
        updateCustomerProfile(deps, { id: customer.id, input: { firstName: "Augusta" } }, meta()),
        upgradeCustomerTier(deps, { id: customer.id, tier: "GOLD" }, meta()),
      ]),
    );
    expect(results.map(outcome).sort()).toEqual(["CONFLICT", "OK"]);
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
    const seen = await untilSeen(
      "a CONFLICT beside a success",
      async () => {
        const { id } = await register();
        const results = await Promise.allSettled([
          ...range(5).map((n) =>
            updateCustomerProfile(deps, { id, input: { lastName: `L${n}` } }, meta()),
          ),
          suspendCustomer(deps, { id, reason: "race" }, meta()),
          upgradeCustomerTier(deps, { id, tier: "SILVER" }, meta()),
        ]);
        const t = tally(results.map(outcome));
        expect(Object.keys(t).filter((o) => o !== "OK" && o !== "CONFLICT")).toEqual([]);
        const row = await prisma.customer.findUniqueOrThrow({ where: { id } });
        expect(row.version).toBe(1 + (t.OK ?? 0));
        expect(await eventVersions(id)).toEqual(range(row.version));
        return t;
      },
      (t) => (t.OK ?? 0) >= 1 && (t.CONFLICT ?? 0) >= 1,
    );
    expect(seen.OK! + seen.CONFLICT!).toBe(7);
  });

  it("ten concurrent first addresses leave exactly one default and no more than one address per win", async () => {
    const customer = await register(0);
    const results = await whileRowLocked(customer.id, 10, () =>
      Promise.allSettled(
        range(10).map((n) =>
          addCustomerAddress(deps, { customerId: customer.id, input: address(n) }, meta()),
        ),
      ),
    );
    expect(results.map(outcome).sort()).toEqual([...Array(9).fill("CONFLICT"), "OK"]);
    const rows = await prisma.customerAddress.findMany({ where: { customerId: customer.id } });
    expect(rows).toHaveLength(1);
    expect(rows.filter((a) => a.isDefault)).toHaveLength(1);
  });

  it("ten concurrent adds, each retried on CONFLICT, never exceed 10 addresses or break the default", async () => {
    const seen = await untilSeen(
      "an add retried after a CONFLICT",
      async () => {
        const customer = await register(7);
        let retried = 0;
        const addWithRetry = async (n: number): Promise<string> => {
          for (let attempt = 0; attempt < 50; attempt++) {
            const [result] = await Promise.allSettled([
              addCustomerAddress(
                deps,
                { customerId: customer.id, input: address(100 + n) },
                meta(),
              ),
            ]);
            const o = outcome(result!);
            if (o !== "CONFLICT") return o;
            retried++;
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
        return { ...tally(outcomes), retried };
      },
      (t) => (t.retried ?? 0) >= 1,
    );
    expect(seen.retried).toBeGreaterThanOrEqual(1);
  });
});
