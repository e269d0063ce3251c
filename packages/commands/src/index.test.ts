import { DomainError } from "@shopstream/errors";
import { defaultMetadata, type NewEvent } from "@shopstream/outbox";
import { describe, expect, it } from "vitest";
import {
  type AggregateStore,
  changeAggregate,
  createAggregate,
  type TransactionRunner,
} from "./index.ts";

// The rules of the write path with an in-memory store: what is decided, saved, recorded and
// answered. The real transactions are exercised by every context's integration tests.

interface Counter {
  id: string;
  version: number;
  value: number;
}

interface Tx {
  outbox: { createMany(args: { data: unknown[] }): Promise<{ count: number }> };
}

function world(opts: { failures?: unknown[] } = {}) {
  const rows = new Map<string, Counter>([["c1", { id: "c1", version: 1, value: 0 }]]);
  const outbox: unknown[] = [];
  const failures = [...(opts.failures ?? [])];
  let transactions = 0;
  const tx: Tx = {
    outbox: {
      async createMany({ data }) {
        outbox.push(...data);
        return { count: data.length };
      },
    },
  };
  const prisma: TransactionRunner<Tx> = {
    async $transaction(fn) {
      transactions++;
      const failure = failures.shift();
      if (failure) throw failure;
      return fn(tx);
    },
  };
  const store: AggregateStore<Counter, Tx> = {
    entity: "Counter",
    async load(_tx, id) {
      return rows.get(id) ?? null;
    },
    async save(_tx, loaded, next) {
      if (rows.get(loaded.id)?.version !== loaded.version) return false;
      rows.set(next.id, next);
      return true;
    },
  };
  return { rows, outbox, store, deps: { prisma }, transactions: () => transactions };
}

const bump = (c: Counter) => ({
  state: { ...c, version: c.version + 1, value: c.value + 1 },
  events: [
    {
      type: "CounterBumped",
      aggregateType: "Counter",
      aggregateId: c.id,
      aggregateVersion: c.version + 1,
      payload: {},
    } satisfies NewEvent,
  ],
});

const deadlock = Object.assign(new Error("deadlock detected"), { originalCode: "40P01" });

describe("changeAggregate", () => {
  it("saves the decided state and its events together", async () => {
    const w = world();
    const saved = await changeAggregate(w.deps, w.store, "c1", bump, defaultMetadata());
    expect(saved.value).toBe(1);
    expect(w.rows.get("c1")?.version).toBe(2);
    expect(w.outbox).toHaveLength(1);
  });

  it("answers NOT_FOUND for a missing aggregate and writes nothing for an empty decision", async () => {
    const w = world();
    await expect(
      changeAggregate(w.deps, w.store, "nope", bump, defaultMetadata()),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const same = await changeAggregate(
      w.deps,
      w.store,
      "c1",
      (c) => ({ state: { ...c, value: 99 }, events: [] }),
      defaultMetadata(),
    );
    expect(same.value).toBe(0);
    expect(w.outbox).toHaveLength(0);
  });

  it("turns a version miss into CONFLICT", async () => {
    const w = world();
    const stale = { ...w.store, load: async () => ({ id: "c1", version: 0, value: 0 }) };
    await expect(
      changeAggregate(w.deps, stale, "c1", bump, defaultMetadata()),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(w.outbox).toHaveLength(0);
  });

  it("retries a deadlock with a fresh attempt, and answers CONFLICT once attempts run out", async () => {
    const once = world({ failures: [deadlock] });
    await changeAggregate(once.deps, once.store, "c1", bump, defaultMetadata());
    expect(once.transactions()).toBe(2);
    expect(once.rows.get("c1")?.value).toBe(1);

    const always = world({ failures: [deadlock, deadlock, deadlock] });
    await expect(
      changeAggregate(always.deps, always.store, "c1", bump, defaultMetadata()),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(always.transactions()).toBe(3);
  });

  it("passes domain errors through untouched and maps the others it is told to", async () => {
    const w = world();
    const invalid = DomainError.invalidTransition("Counter", "FROZEN", "bump");
    await expect(
      changeAggregate(
        w.deps,
        w.store,
        "c1",
        () => {
          throw invalid;
        },
        defaultMetadata(),
      ),
    ).rejects.toBe(invalid);

    const unique = world({ failures: [Object.assign(new Error("dup"), { code: "P2002" })] });
    await expect(
      createAggregate(
        unique.deps,
        { entity: "Counter", insert: async () => {} },
        () => bump({ id: "c2", version: 0, value: 0 }),
        defaultMetadata(),
        { mapError: () => DomainError.duplicate("counter", "id") },
      ),
    ).rejects.toMatchObject({ code: "DUPLICATE" });
  });
});
