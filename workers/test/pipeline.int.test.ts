import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { EventConsumer } from "@shopstream/events";
import { CursorExpiredError, readLiveAfter } from "@shopstream/live";
import type { DomainEvent } from "@shopstream/outbox";
import { assertNoEviction, createRedis } from "@shopstream/redis";
import { TEST_REDIS_URL } from "@shopstream/testing";
import { pollUntil, waitFor } from "@shopstream/testing/kit";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { startConsumerRunner } from "../src/pipeline/consumer-runner.ts";
import { DeadLetters } from "../src/pipeline/dead-letters.ts";
import { eventJobOptions } from "../src/pipeline/job-options.ts";
import { consumerQueueName } from "../src/pipeline/names.ts";
import { startRelay } from "../src/pipeline/relay.ts";
import {
  countEffects,
  createPipelineDb,
  duplicateEffects,
  logger,
  outOfOrderAggregates,
  type PipelineDb,
  serialReplay,
  spawnRelayProcess,
  startPrivateRedis,
  type WidgetEventSpec,
  waitForEffects,
  widgetConsumer,
  widgetSpecs,
  widgetState,
  writeEvents,
  writeInterleaved,
} from "./pipeline-harness.ts";

const execFileAsync = promisify(execFile);
/** How long a test waits for an effect through relay, queue and consumer on a loaded machine. */
const PATIENCE = { timeoutMs: 60_000 };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/**
 * A test's own database, consumer and queue prefix, and starters for the relay and the runner
 * wired to them (each stopped after the test).
 */
async function setup(
  options: Parameters<typeof widgetConsumer>[1] = {},
  redisUrl = TEST_REDIS_URL,
) {
  const db: PipelineDb = await createPipelineDb();
  cleanups.push(() => db.drop());
  const widgets = widgetConsumer(db, options);
  cleanups.push(widgets.disconnect);
  const consumer = widgets.consumer as unknown as EventConsumer;
  const base = { redisUrl, prefix: db.prefix, consumers: [consumer], logger };
  return {
    db,
    consumer,
    redisUrl,
    relay(extra: Partial<Parameters<typeof startRelay>[0]> = {}) {
      const r = startRelay({
        ...base,
        context: "identity",
        databaseUrl: db.url,
        pollIntervalMs: 50,
        ...extra,
      });
      cleanups.push(() => r.stop());
      return r;
    },
    runner(extra: Partial<Parameters<typeof startConsumerRunner>[0]> = {}) {
      const r = startConsumerRunner({
        ...base,
        backoff: { baseMs: 20, capMs: 200 },
        outOfOrderDelayMs: 20,
        ...extra,
      });
      cleanups.push(() => r.stop(2000));
      return r;
    },
  };
}

/** A Redis client of the test's own, disconnected after the test. */
function redisClient(url: string) {
  const redis = createRedis(url);
  cleanups.push(async () => redis.disconnect());
  return redis;
}

/** The dead-letter queue of a test's own prefix, closed after the test. */
function openDeadLetters(db: PipelineDb, redisUrl: string) {
  const redis = redisClient(redisUrl);
  const dlq = new DeadLetters(redis, db.prefix);
  cleanups.push(() => dlq.close());
  return { redis, dlq };
}

async function firstDeadLetter(dlq: DeadLetters) {
  const [entry] = await pollUntil(
    "a dead letter",
    () => dlq.list(),
    (list) => list.length > 0,
    PATIENCE,
  );
  return entry;
}

/** Each event applied once, each aggregate's in version order: what a serial replay gives. */
async function expectAppliedOnceInOrder(db: PipelineDb, specs: WidgetEventSpec[]) {
  expect(await duplicateEffects(db.pool)).toBe(0);
  expect(await outOfOrderAggregates(db.pool)).toEqual([]);
  expect(await widgetState(db.pool)).toEqual(serialReplay(specs));
}

describe("event pipeline (real PostgreSQL and Redis)", () => {
  it("delivers every event once, in order per aggregate, and to the live stream with cursors", async () => {
    const { db, redisUrl, relay, runner } = await setup();
    relay();
    runner();
    const specs = widgetSpecs(20, 10);
    await writeInterleaved(db.pool, specs);
    await waitForEffects(db, 200);
    await expectAppliedOnceInOrder(db, specs.flat());

    const redis = redisClient(redisUrl);
    const live = await readLiveAfter(redis, db.prefix, "identity", null);
    expect(live).toHaveLength(200);
    expect(new Set(live.map((l) => l.event.id)).size).toBe(200);
    const resumed = await readLiveAfter(redis, db.prefix, "identity", live[149]!.cursor);
    expect(resumed.map((l) => l.event.id)).toEqual(live.slice(150).map((l) => l.event.id));
    await expect(readLiveAfter(redis, db.prefix, "identity", "1-0")).rejects.toBeInstanceOf(
      CursorExpiredError,
    );
  });

  it("publishes a batch in outbox order, also where positions gain a digit (9, 10)", async () => {
    const { db, redisUrl, relay } = await setup();
    // Versions 1–12 of one aggregate, committed before the relay starts: one batch holding
    // positions 1–12. Sorted as text they would go out 1, 10, 11, 12, 2, …
    await writeEvents(db.pool, widgetSpecs(1, 12)[0]!);
    relay();
    const redis = redisClient(redisUrl);
    const live = await pollUntil(
      "12 events on the live stream",
      () => readLiveAfter(redis, db.prefix, "identity", null),
      (read) => read.length === 12,
      { ...PATIENCE, show: (read) => `${read.length} events` },
    );
    expect(live.map((l) => l.event.aggregateVersion)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it("loses nothing and applies each effect once while the relay is SIGKILLed repeatedly during 2,000 events", async () => {
    const { db, consumer, redisUrl, runner } = await setup();
    runner({ concurrency: 32 });
    const env = {
      RELAY_DATABASE_URL: db.url,
      RELAY_REDIS_URL: redisUrl,
      RELAY_PREFIX: db.prefix,
      RELAY_CONSUMERS: JSON.stringify([
        { name: consumer.name, source: "identity", aggregateTypes: ["Widget"] },
      ]),
      RELAY_BATCH_SIZE: "50",
    };
    let child = spawnRelayProcess(env);
    cleanups.push(async () => child.kill("SIGKILL"));
    const specs = widgetSpecs(100, 20);
    let kills = 0;
    const writer = writeInterleaved(db.pool, specs, 40);
    const killer = (async () => {
      while (kills < 8) {
        await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
        child.kill("SIGKILL");
        kills++;
        child = spawnRelayProcess(env);
      }
    })();
    await Promise.all([writer, killer]);
    await waitForEffects(db, 2000, 90_000);
    expect(kills).toBe(8);
    await expectAppliedOnceInOrder(db, specs.flat());
  }, 120_000);

  it("runs three relays at once without double effects or breaking per-aggregate order", async () => {
    const { db, relay, runner } = await setup();
    const relays = [relay(), relay(), relay()];
    runner({ concurrency: 32 });
    await writeInterleaved(db.pool, widgetSpecs(40, 10));
    await waitForEffects(db, 400);
    expect(await duplicateEffects(db.pool)).toBe(0);
    expect(await outOfOrderAggregates(db.pool)).toEqual([]);
    // One leader per context: the others stood by.
    expect(relays.map((r) => r.published).filter((n) => n > 0)).toHaveLength(1);
    expect(relays.reduce((sum, r) => sum + r.published, 0)).toBe(400);
  });

  it("deletes published outbox rows once they are past the retention period", async () => {
    const { db, relay, runner } = await setup();
    runner();
    relay({ retentionMs: 1 });
    await writeEvents(db.pool, widgetSpecs(5, 1).flat());
    await waitForEffects(db, 5);
    await waitFor(
      "the outbox to be emptied",
      async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM outbox",
        );
        return rows[0]?.n === 0;
      },
      PATIENCE,
    );
  });

  it("delivers a row whose transaction commits after later rows", async () => {
    const { db, relay, runner } = await setup();
    relay();
    runner();
    const held = await db.pool.connect();
    held.on("error", () => {});
    cleanups.push(async () => held.release());
    await held.query("BEGIN");
    const [late] = widgetSpecs(1, 1);
    await writeEvents(held, late!); // takes an earlier position, stays uncommitted
    const later = widgetSpecs(50, 1);
    await writeEvents(db.pool, later.flat());
    await waitForEffects(db, 50);
    await held.query("COMMIT");
    await waitForEffects(db, 51);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("applies every event once when each is delivered twice in shuffled order (equals a serial replay)", async () => {
    const { db, consumer, redisUrl, runner } = await setup();
    runner({ concurrency: 32 });
    const specs = widgetSpecs(30, 10).flat();
    const ids = await writeEvents(db.pool, specs);
    const events: DomainEvent[] = specs.map((s, i) => ({
      id: ids[i]!,
      type: "WidgetChanged",
      schemaVersion: 1,
      aggregateType: "Widget",
      aggregateId: s.aggregateId,
      aggregateVersion: s.version,
      occurredAt: new Date().toISOString(),
      payload: { amount: s.amount, poison: false },
      metadata: { correlationId: "t", causationId: null, idempotencyKey: null, actor: "t" },
    }));
    const deliveries = [
      ...events.map((e) => [e, "a"] as const),
      ...events.map((e) => [e, "b"] as const),
    ];
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }
    const queue = new Queue(consumerQueueName(consumer.name), {
      connection: redisClient(redisUrl),
      prefix: db.prefix,
    });
    cleanups.push(() => queue.close());
    // Distinct job ids: BullMQ's own de-duplication must not be what saves us here.
    await queue.addBulk(
      deliveries.map(([e, copy]) => ({
        name: e.type,
        data: e,
        opts: eventJobOptions(`${e.id}-${copy}`),
      })),
    );
    await pollUntil(
      "600 deliveries processed",
      async () => (await queue.getJobCounts("completed")).completed,
      (completed) => completed === 600,
      PATIENCE,
    );
    expect(await countEffects(db.pool)).toBe(300);
    await expectAppliedOnceInOrder(db, specs);
  });

  it("resumes after Redis restarts mid-stream without restarting relay or workers, losing nothing", async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const { db, relay, runner } = await setup({}, redis.url);
    relay();
    runner({ lockDurationMs: 2000, stalledIntervalMs: 1000 });
    const specs = widgetSpecs(50, 10);
    const writer = writeInterleaved(db.pool, specs, 150);
    // Mid-stream: the first events went all the way through before Redis goes away.
    await pollUntil(
      "the first effects",
      () => countEffects(db.pool),
      (n) => n > 0,
      PATIENCE,
    );
    await redis.restart(1500);
    await writer;
    await waitForEffects(db, 500);
    await expectAppliedOnceInOrder(db, specs.flat());
  }, 90_000);

  it("dead-letters an always-failing event after N attempts; after a fix, a replay applies it once", async () => {
    let broken = true;
    const { db, consumer, redisUrl, relay, runner } = await setup({
      failWhen: (p) => p.poison && broken,
    });
    relay({ attempts: 3 });
    runner();
    const [poison] = widgetSpecs(1, 1);
    poison![0]!.poison = true;
    await writeEvents(db.pool, [...poison!, ...widgetSpecs(5, 1).flat()]);
    const { redis, dlq } = openDeadLetters(db, redisUrl);
    const entry = await firstDeadLetter(dlq);
    expect(entry).toMatchObject({
      consumer: consumer.name,
      attempts: 3,
      error: "widget store temporarily unavailable",
    });
    expect(await countEffects(db.pool)).toBe(5);

    // The operator's commands (`pnpm dlq …`): list and show it, then — after the fix — replay it.
    const dlqCli = (...args: string[]) =>
      execFileAsync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(new URL("../src/dlq-cli.ts", import.meta.url)), ...args],
        {
          env: { ...process.env, REDIS_URL: redisUrl, QUEUE_PREFIX: db.prefix },
        },
      );
    expect((await dlqCli("list")).stdout).toContain(entry!.id);
    expect(JSON.parse((await dlqCli("show", entry!.id)).stdout)).toMatchObject({
      consumer: consumer.name,
      attempts: 3,
    });
    broken = false;
    expect((await dlqCli("replay", entry!.id)).stdout).toContain(`replayed ${entry!.id}`);
    await waitForEffects(db, 6);
    // A second replay of the same event (e.g. an operator's double click) changes nothing.
    const queue = new Queue(consumerQueueName(consumer.name), {
      connection: redis,
      prefix: db.prefix,
    });
    cleanups.push(() => queue.close());
    await queue.add("again", entry!.event, eventJobOptions(`${entry!.event.id}-again`));
    await waitFor(
      "the repeat to be processed",
      async () => (await queue.getJob(`${entry!.event.id}-again`))?.isCompleted(),
      PATIENCE,
    );
    expect(await countEffects(db.pool)).toBe(6);
    expect(await dlq.list()).toEqual([]);
  });

  it("retries an event while its database has no connection free, spending no attempt", async () => {
    let refusals = 0;
    const { db, redisUrl, relay, runner } = await setup({
      failWhen: (p) => p.poison && refusals++ < 5,
      unavailable: true,
    });
    relay({ attempts: 2 });
    runner({ unavailableDelayMs: 20 });
    const [waiting] = widgetSpecs(1, 1);
    waiting![0]!.poison = true;
    await writeEvents(db.pool, [...waiting!, ...widgetSpecs(3, 1).flat()]);
    await waitForEffects(db, 4);
    // Five refusals with 2 attempts allowed: a spent attempt each would have dead-lettered it.
    expect(refusals).toBe(6);
    const { dlq } = openDeadLetters(db, redisUrl);
    expect(await dlq.list()).toEqual([]);
  });

  it("dead-letters an event whose predecessor never arrives, after the out-of-order timeout", async () => {
    const { db, redisUrl, relay, runner } = await setup();
    relay();
    runner({ outOfOrderTimeoutMs: 500 });
    const [orphan] = widgetSpecs(1, 1, 2); // version 2 of an aggregate whose version 1 never existed
    await writeEvents(db.pool, orphan!);
    const { dlq } = openDeadLetters(db, redisUrl);
    const entry = await firstDeadLetter(dlq);
    expect(entry?.error).toMatch(/version 2 arrived before version 1/);
    expect(await countEffects(db.pool)).toBe(0);
  });

  it("dead-letters an event that can never succeed at once", async () => {
    const { db, redisUrl, relay, runner } = await setup({
      failWhen: (p) => p.poison,
      permanent: true,
    });
    relay();
    runner();
    const [poison] = widgetSpecs(1, 1);
    poison![0]!.poison = true;
    await writeEvents(db.pool, poison!);
    const { dlq } = openDeadLetters(db, redisUrl);
    const entry = await firstDeadLetter(dlq);
    expect(entry).toMatchObject({ attempts: 1, error: "widget rejected for good" });
  });

  it("finishes in-flight jobs on stop before returning", async () => {
    const { db, consumer, redisUrl, relay } = await setup({ handlerDelayMs: 500 });
    relay();
    const r = startConsumerRunner({ redisUrl, prefix: db.prefix, consumers: [consumer], logger });
    await writeEvents(db.pool, widgetSpecs(3, 1).flat());
    const queue = new Queue(consumerQueueName(consumer.name), {
      connection: redisClient(redisUrl),
      prefix: db.prefix,
    });
    cleanups.push(() => queue.close());
    await waitFor(
      "a job in flight",
      async () => ((await queue.getJobCounts("active")).active ?? 0) > 0,
      PATIENCE,
    );
    await r.stop(5000);
    expect(await countEffects(db.pool)).toBe(3);
  });

  it("refuses a Redis that may evict keys", async () => {
    const redis = await startPrivateRedis({ policy: "allkeys-lru" });
    cleanups.push(() => redis.stop());
    await expect(assertNoEviction(redisClient(redis.url))).rejects.toThrow(/needs "noeviction"/);
  });
});
