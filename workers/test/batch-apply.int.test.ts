import { applyEvent, applyEvents, defineConsumer, pruneInbox } from "@shopstream/events";
import { createIdentityPrisma } from "@shopstream/identity";
import { type DomainEvent, newId } from "@shopstream/outbox";
import { afterEach, describe, expect, it } from "vitest";
import {
  countEffects,
  createPipelineDb,
  type PipelineDb,
  widgetConsumer,
} from "./pipeline-harness.ts";

// applyEvents against the real PostgreSQL: what a batch does to checkpoints and the inbox.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function database(): Promise<PipelineDb> {
  const db = await createPipelineDb();
  cleanups.push(() => db.drop());
  return db;
}

/** A UUIDv7 of `ms` (the first 48 bits are the time). */
function idAt(ms: number): string {
  const hex = ms.toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}${newId().slice(13)}`;
}

const event = (aggregateId: string, version: number, id = newId()): DomainEvent => ({
  id,
  type: "WidgetChanged",
  schemaVersion: 1,
  aggregateType: "Widget",
  aggregateId,
  aggregateVersion: version,
  occurredAt: new Date().toISOString(),
  payload: { amount: version, poison: false },
  metadata: { correlationId: "t", causationId: null, idempotencyKey: null, actor: "test" },
});

const checkpoint = async (db: PipelineDb, consumer: string, aggregateId: string) =>
  (
    await db.pool.query<{ version: number }>(
      "SELECT version FROM consumer_checkpoint WHERE consumer = $1 AND aggregate_id = $2",
      [consumer, aggregateId],
    )
  ).rows[0]?.version;

describe("applying events in batches (real PostgreSQL)", () => {
  it("acknowledges events without a handler in one statement, outside any transaction, in order", async () => {
    const db = await database();
    const prisma = createIdentityPrisma(db.url, { poolSize: 2 });
    cleanups.push(() => prisma.$disconnect());
    const ignorer = defineConsumer({
      name: "test.ignorer",
      source: "identity",
      aggregateTypes: ["Widget"],
      handlers: {},
      transaction: <T>(): Promise<T> =>
        Promise.reject(new Error("an unhandled event opened a transaction")),
      client: prisma,
    });
    const [a, b] = ["agg-a", "agg-b"];
    const outcomes = await applyEvents(ignorer, [
      event(a, 2),
      event(b, 1),
      event(a, 1),
      event(a, 4), // beyond a gap: version 3 has not come
      event(a, 3),
    ]);
    expect(outcomes.map((o) => ("error" in o ? o.error.name : o.outcome))).toEqual([
      "skipped-unhandled",
      "skipped-unhandled",
      "skipped-unhandled",
      "skipped-unhandled",
      "skipped-unhandled",
    ]);
    expect(await checkpoint(db, "test.ignorer", a)).toBe(4);
    expect(await checkpoint(db, "test.ignorer", b)).toBe(1);
    // A gap is refused, a repeat is a duplicate, and neither writes an inbox row.
    await expect(applyEvent(ignorer, event(b, 3))).rejects.toMatchObject({
      name: "OutOfOrderError",
    });
    expect(await applyEvent(ignorer, event(a, 2))).toBe("skipped-duplicate");
    const { rows } = await db.pool.query("SELECT 1 FROM inbox");
    expect(rows).toHaveLength(0);
  });

  it("applies a batch with handlers in version order, once, and a gap waits", async () => {
    const db = await database();
    const { consumer, disconnect } = widgetConsumer(db, { poolSize: 2 });
    cleanups.push(disconnect);
    const events = [event("w", 3), event("w", 1), event("w", 2), event("w", 5)];
    const outcomes = await applyEvents(consumer, events);
    expect(outcomes.map((o) => ("error" in o ? o.error.name : o.outcome))).toEqual([
      "applied",
      "applied",
      "applied",
      "OutOfOrderError",
    ]);
    const again = await applyEvents(consumer, events.slice(0, 3));
    expect(again.map((o) => ("error" in o ? o.error.name : o.outcome))).toEqual(
      Array(3).fill("skipped-duplicate"),
    );
    const { rows } = await db.pool.query<{ versions: string }>(
      "SELECT versions FROM widget WHERE id = 'w'",
    );
    expect(rows[0]?.versions).toBe("1,2,3");
  });

  it("prunes inbox rows behind the low-water mark; a pruned event delivered again is still a duplicate", async () => {
    const db = await database();
    const { consumer, disconnect } = widgetConsumer(db, { poolSize: 2 });
    cleanups.push(disconnect);
    const old = event("p", 1, idAt(Date.now() - 2 * 3600_000));
    const recent = event("p", 2);
    expect(await applyEvent(consumer, old)).toBe("applied");
    expect(await applyEvent(consumer, recent)).toBe("applied");
    // Everything before now is asked for; the last minute is kept whatever is asked.
    expect(await pruneInbox(consumer, new Date())).toBe(1);
    const { rows } = await db.pool.query<{ event_id: string }>("SELECT event_id FROM inbox");
    expect(rows.map((r) => r.event_id)).toEqual([recent.id]);
    expect(await applyEvent(consumer, old)).toBe("skipped-duplicate");
    expect(await applyEvent(consumer, recent)).toBe("skipped-duplicate");
    expect(await countEffects(db.pool)).toBe(2);
  });
});
