import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { EventConsumer } from "@shopstream/events";
import { CursorExpiredError, readLiveAfter } from "@shopstream/live";
import type { DomainEvent } from "@shopstream/outbox";
import { assertNoEviction, createRedis } from "@shopstream/redis";
import { TEST_REDIS_URL } from "@shopstream/testing";
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
  waitFor,
  widgetConsumer,
  widgetSpecs,
  widgetState,
  writeEvents,
} from "./pipeline-harness.ts";

const execFileAsync = promisify(execFile);
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

async function setup(
  options: Parameters<typeof widgetConsumer>[1] = {},
  redisUrl = TEST_REDIS_URL,
) {
  const db: PipelineDb = await createPipelineDb();
  cleanups.push(() => db.drop());
  const { consumer, disconnect } = widgetConsumer(db, options);
  cleanups.push(disconnect);
  return { db, consumer: consumer as unknown as EventConsumer, redisUrl };
}

/** The dead-letter queue of a test's own prefix, closed after the test. */
function openDeadLetters(db: PipelineDb, redisUrl: string) {
  const redis = createRedis(redisUrl);
  const dlq = new DeadLetters(redis, db.prefix);
  cleanups.push(async () => {
    await dlq.close();
    redis.disconnect();
  });
  return { redis, dlq };
}

async function firstDeadLetter(dlq: DeadLetters) {
  const [entry] = await waitFor("a dead letter", async () => {
    const list = await dlq.list();
    return list.length > 0 ? list : undefined;
  });
  return entry;
}

function relay(
  db: PipelineDb,
  consumer: EventConsumer,
  redisUrl: string,
  extra: Partial<Parameters<typeof startRelay>[0]> = {},
) {
  const r = startRelay({
    context: "identity",
    databaseUrl: db.url,
    redisUrl,
    prefix: db.prefix,
    consumers: [consumer],
    logger,
    pollIntervalMs: 50,
    ...extra,
  });
  cleanups.push(() => r.stop());
  return r;
}

function runner(
  db: PipelineDb,
  consumer: EventConsumer,
  redisUrl: string,
  extra: Partial<Parameters<typeof startConsumerRunner>[0]> = {},
) {
  const r = startConsumerRunner({
    redisUrl,
    prefix: db.prefix,
    consumers: [consumer],
    logger,
    backoff: { baseMs: 20, capMs: 200 },
    outOfOrderDelayMs: 20,
    ...extra,
  });
  cleanups.push(() => r.stop(2000));
  return r;
}

describe("event pipeline (real PostgreSQL and Redis)", () => {
  it("delivers every event once, in order per aggregate, and to the live stream with cursors", async () => {
    const { db, consumer, redisUrl } = await setup();
    relay(db, consumer, redisUrl);
    runner(db, consumer, redisUrl);
    const specs = widgetSpecs(20, 10);
    // Interleave aggregates so that neighbouring outbox rows belong to different aggregates.
    for (let v = 0; v < 10; v++)
      await writeEvents(
        db.pool,
        specs.map((s) => s[v]!),
      );
    await waitFor("200 effects", async () => (await countEffects(db.pool)) === 200);
    expect(await duplicateEffects(db.pool)).toBe(0);
    expect(await outOfOrderAggregates(db.pool)).toEqual([]);
    expect(await widgetState(db.pool)).toEqual(serialReplay(specs.flat()));

    const redis = createRedis(redisUrl);
    cleanups.push(async () => redis.disconnect());
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
    const { db, consumer, redisUrl } = await setup();
    // Versions 1–12 of one aggregate, committed before the relay starts: one batch holding
    // positions 1–12. Sorted as text they would go out 1, 10, 11, 12, 2, …
    await writeEvents(db.pool, widgetSpecs(1, 12)[0]!);
    relay(db, consumer, redisUrl);
    const redis = createRedis(redisUrl);
    cleanups.push(async () => redis.disconnect());
    const live = await waitFor("12 events on the live stream", async () => {
      const read = await readLiveAfter(redis, db.prefix, "identity", null);
      return read.length === 12 ? read : undefined;
    });
    expect(live.map((l) => l.event.aggregateVersion)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it("loses nothing and applies each effect once while the relay is SIGKILLed repeatedly during 2,000 events", async () => {
    const { db, consumer, redisUrl } = await setup();
    runner(db, consumer, redisUrl, { concurrency: 32 });
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
    const writer = (async () => {
      for (let v = 0; v < 20; v++) {
        await writeEvents(
          db.pool,
          specs.map((s) => s[v]!),
        );
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    const killer = (async () => {
      while (kills < 8) {
        await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
        child.kill("SIGKILL");
        kills++;
        child = spawnRelayProcess(env);
      }
    })();
    await Promise.all([writer, killer]);
    await waitFor("2,000 effects", async () => (await countEffects(db.pool)) === 2000, 90_000);
    expect(kills).toBe(8);
    expect(await duplicateEffects(db.pool)).toBe(0);
    expect(await outOfOrderAggregates(db.pool)).toEqual([]);
    expect(await widgetState(db.pool)).toEqual(serialReplay(specs.flat()));
  }, 120_000);

  it("runs three relays at once without double effects or breaking per-aggregate order", async () => {
    const { db, consumer, redisUrl } = await setup();
    const relays = [
      relay(db, consumer, redisUrl),
      relay(db, consumer, redisUrl),
      relay(db, consumer, redisUrl),
    ];
    runner(db, consumer, redisUrl, { concurrency: 32 });
    const specs = widgetSpecs(40, 10);
    for (let v = 0; v < 10; v++)
      await writeEvents(
        db.pool,
        specs.map((s) => s[v]!),
      );
    await waitFor("400 effects", async () => (await countEffects(db.pool)) === 400);
    expect(await duplicateEffects(db.pool)).toBe(0);
    expect(await outOfOrderAggregates(db.pool)).toEqual([]);
    // One leader per context: the others stood by.
    expect(relays.map((r) => r.published).filter((n) => n > 0)).toHaveLength(1);
    expect(relays.reduce((sum, r) => sum + r.published, 0)).toBe(400);
  });

  it("deletes published outbox rows once they are past the retention period", async () => {
    const { db, consumer, redisUrl } = await setup();
    runner(db, consumer, redisUrl);
    relay(db, consumer, redisUrl, { retentionMs: 1 });
    await writeEvents(db.pool, widgetSpecs(5, 1).flat());
    await waitFor("5 effects", async () => (await countEffects(db.pool)) === 5);
    await waitFor("the outbox to be emptied", async () => {
      const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox");
      return rows[0]?.n === 0;
    });
  });

  it("delivers a row whose transaction commits after later rows", async () => {
    const { db, consumer, redisUrl } = await setup();
    relay(db, consumer, redisUrl);
    runner(db, consumer, redisUrl);
    const held = await db.pool.connect();
    held.on("error", () => {});
    cleanups.push(async () => held.release());
    await held.query("BEGIN");
    const [late] = widgetSpecs(1, 1);
    await writeEvents(held, late!); // takes an earlier position, stays uncommitted
    const later = widgetSpecs(50, 1);
    await writeEvents(db.pool, later.flat());
    await waitFor("the 50 later events", async () => (await countEffects(db.pool)) === 50);
    await held.query("COMMIT");
    await waitFor("the late event", async () => (await countEffects(db.pool)) === 51);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL",
    );
    expect(rows[0]?.n).toBe(0);
  });

  it("applies every event once when each is delivered twice in shuffled order (equals a serial replay)", async () => {
    const { db, consumer, redisUrl } = await setup();
    runner(db, consumer, redisUrl, { concurrency: 32 });
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
      connection: createRedis(redisUrl),
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
    await waitFor(
      "600 deliveries processed",
      async () => (await queue.getJobCounts("completed")).completed === 600,
    );
    expect(await countEffects(db.pool)).toBe(300);
    expect(await duplicateEffects(db.pool)).toBe(0);
    expect(await widgetState(db.pool)).toEqual(serialReplay(specs));
  });

  it("resumes after Redis restarts mid-stream without restarting relay or workers, losing nothing", async () => {
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.stop());
    const { db, consumer } = await setup({}, redis.url);
    relay(db, consumer, redis.url);
    runner(db, consumer, redis.url, { lockDurationMs: 2000, stalledIntervalMs: 1000 });
    const specs = widgetSpecs(50, 10);
    const writer = (async () => {
      for (let v = 0; v < 10; v++) {
        await writeEvents(
          db.pool,
          specs.map((s) => s[v]!),
        );
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    await new Promise((r) => setTimeout(r, 400));
    await redis.restart(1500);
    await writer;
    await waitFor("500 effects", async () => (await countEffects(db.pool)) === 500, 60_000);
    expect(await duplicateEffects(db.pool)).toBe(0);
    expect(await outOfOrderAggregates(db.pool)).toEqual([]);
    expect(await widgetState(db.pool)).toEqual(serialReplay(specs.flat()));
  }, 90_000);

  it("dead-letters an always-failing event after N attempts; after a fix, a replay applies it once", async () => {
    let broken = true;
    const { db, consumer, redisUrl } = await setup({ failWhen: (p) => p.poison && broken });
    relay(db, consumer, redisUrl, { attempts: 3 });
    runner(db, consumer, redisUrl);
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
    await waitFor("the replayed event", async () => (await countEffects(db.pool)) === 6);
    // A second replay of the same event (e.g. an operator's double click) changes nothing.
    const queue = new Queue(consumerQueueName(consumer.name), {
      connection: redis,
      prefix: db.prefix,
    });
    cleanups.push(() => queue.close());
    await queue.add("again", entry!.event, eventJobOptions(`${entry!.event.id}-again`));
    await waitFor("the repeat to be processed", async () =>
      (await queue.getJob(`${entry!.event.id}-again`))?.isCompleted(),
    );
    expect(await countEffects(db.pool)).toBe(6);
    expect(await dlq.list()).toEqual([]);
  });

  it("dead-letters an event whose predecessor never arrives, after the out-of-order timeout", async () => {
    const { db, consumer, redisUrl } = await setup();
    relay(db, consumer, redisUrl);
    runner(db, consumer, redisUrl, { outOfOrderTimeoutMs: 500 });
    const [orphan] = widgetSpecs(1, 1, 2); // version 2 of an aggregate whose version 1 never existed
    await writeEvents(db.pool, orphan!);
    const { dlq } = openDeadLetters(db, redisUrl);
    const entry = await firstDeadLetter(dlq);
    expect(entry?.error).toMatch(/version 2 arrived before version 1/);
    expect(await countEffects(db.pool)).toBe(0);
  });

  it("dead-letters an event that can never succeed at once", async () => {
    const { db, consumer, redisUrl } = await setup({ failWhen: (p) => p.poison, permanent: true });
    relay(db, consumer, redisUrl);
    runner(db, consumer, redisUrl);
    const [poison] = widgetSpecs(1, 1);
    poison![0]!.poison = true;
    await writeEvents(db.pool, poison!);
    const { dlq } = openDeadLetters(db, redisUrl);
    const entry = await firstDeadLetter(dlq);
    expect(entry).toMatchObject({ attempts: 1, error: "widget rejected for good" });
  });

  it("finishes in-flight jobs on stop before returning", async () => {
    const { db, consumer, redisUrl } = await setup({ handlerDelayMs: 500 });
    relay(db, consumer, redisUrl);
    const r = startConsumerRunner({ redisUrl, prefix: db.prefix, consumers: [consumer], logger });
    await writeEvents(db.pool, widgetSpecs(3, 1).flat());
    const connection = createRedis(redisUrl);
    const queue = new Queue(consumerQueueName(consumer.name), { connection, prefix: db.prefix });
    cleanups.push(async () => {
      await queue.close();
      connection.disconnect();
    });
    await waitFor(
      "a job in flight",
      async () => ((await queue.getJobCounts("active")).active ?? 0) > 0,
    );
    await r.stop(5000);
    expect(await countEffects(db.pool)).toBe(3);
  });

  it("refuses a Redis that may evict keys", async () => {
    const redis = await startPrivateRedis({ policy: "allkeys-lru" });
    cleanups.push(() => redis.stop());
    const client = createRedis(redis.url);
    cleanups.push(async () => client.disconnect());
    await expect(assertNoEviction(client)).rejects.toThrow(/needs "noeviction"/);
  });
});
