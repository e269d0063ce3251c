/**
 * `pnpm bench:events [--duration 10m] [--rate 500]` — event pipeline figures on this machine, in
 * one run, each beside its reference:
 *   1. relay throughput: events/s from outbox rows to BullMQ jobs (+ live stream);
 *   2. consumer throughput: the most events/s one workers process applies (the widget projection,
 *      a handler with two writes per event), from a queue already full, against raw BullMQ
 *      (no-op jobs added and processed) as the reference;
 *   3. outbox → read-model lag p50/p99 at a steady rate (default 500 events/s for 10 s) through
 *      relay and consumer; Redis memory before and after; the consumer's inbox rows before and
 *      after pruning.
 * Exits 1 when a target is missed (lag p99 ≤ 100 ms, ≥ 2,000 events/s applied, relay ≥ 5,000/s).
 * Uses the real PostgreSQL and Redis (DATABASE_URL / REDIS_URL or the local defaults; a Redis
 * database index in REDIS_URL keeps the keys apart), in throwaway databases and a private queue
 * prefix.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { pruneInbox } from "@shopstream/events";
import { createRedis } from "@shopstream/redis";
import { TEST_REDIS_URL } from "@shopstream/testing";
import { waitFor } from "@shopstream/testing/kit";
import { Queue, Worker } from "bullmq";
import { startRelay } from "../src/pipeline/relay.ts";
import {
  createPipelineDb,
  logger,
  type PipelineDb,
  waitForEffects,
  widgetConsumer,
  widgetSpecs,
  writeEvents,
  writeInterleaved,
} from "../test/pipeline-harness.ts";

/** `--duration 10m`, `--duration 90s` or `--duration 90` (seconds). */
function durationSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`--duration: expected e.g. 10m, 90s or 90, got ${text}`);
  const n = Number(m[1]);
  return m[2] === "h" ? n * 3600 : m[2] === "m" ? n * 60 : m[2] === "ms" ? n / 1000 : n;
}
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const RELAY_EVENTS = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);
const RATE = Number(arg("rate") ?? process.env.BENCH_RATE ?? 500);
const SECONDS = durationSeconds(arg("duration") ?? process.env.BENCH_SECONDS ?? "10");
const RAW_JOBS = Number(process.env.BENCH_RAW_JOBS ?? 20_000);
const APPLY_EVENTS = Number(process.env.BENCH_APPLY_EVENTS ?? 20_000);

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** The identity context's relay over a throwaway database, to the widget consumer's queue. */
function relayFor(db: PipelineDb, consumer: ReturnType<typeof widgetConsumer>["consumer"]) {
  return startRelay({
    context: "identity",
    databaseUrl: db.url,
    redisUrl: TEST_REDIS_URL,
    prefix: db.prefix,
    consumers: [consumer],
    logger,
    batchSize: 500,
  });
}

async function relayThroughput(): Promise<number> {
  const db = await createPipelineDb();
  const { consumer, disconnect } = widgetConsumer(db);
  try {
    for (const chunk of widgetSpecs(RELAY_EVENTS / 20, 20)) await writeEvents(db.pool, chunk);
    const started = performance.now();
    const relay = relayFor(db, consumer);
    await waitFor("the relay to publish everything", () => relay.published >= RELAY_EVENTS, {
      timeoutMs: 300_000,
    });
    const seconds = (performance.now() - started) / 1000;
    await relay.stop();
    return RELAY_EVENTS / seconds;
  } finally {
    await disconnect();
    await cleanQueues(db.prefix);
    await db.drop();
  }
}

/** One workers process running the widget consumer; resolves once it is ready (warmed up). */
async function spawnRunner(db: PipelineDb) {
  const runner = spawn(
    process.execPath,
    [
      // BENCH_RUNNER_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" profiles the workers process.
      ...(process.env.BENCH_RUNNER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "--import",
      "tsx",
      fileURLToPath(new URL("../test/fixtures/runner-process.ts", import.meta.url)),
    ],
    {
      env: {
        ...process.env,
        RUNNER_DATABASE_URL: db.url,
        RUNNER_REDIS_URL: TEST_REDIS_URL,
        RUNNER_PREFIX: db.prefix,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    runner.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
    runner.once("exit", (code) => reject(new Error(`runner exited with ${code}`)));
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        runner.once("exit", resolve);
        runner.kill("SIGTERM");
      }),
  };
}

/** Events/s one workers process applies, the queue already holding them all. */
async function consumerThroughput(): Promise<number> {
  const db = await createPipelineDb();
  const { consumer, disconnect } = widgetConsumer(db);
  try {
    for (const chunk of widgetSpecs(APPLY_EVENTS / 20, 20)) await writeEvents(db.pool, chunk);
    const relay = relayFor(db, consumer);
    await waitFor("the relay to queue everything", () => relay.published >= APPLY_EVENTS, {
      timeoutMs: 300_000,
    });
    await relay.stop();
    const runner = await spawnRunner(db);
    const started = performance.now();
    await waitForEffects(db, APPLY_EVENTS, 300_000);
    const seconds = (performance.now() - started) / 1000;
    await runner.stop();
    return APPLY_EVENTS / seconds;
  } finally {
    await disconnect();
    await cleanQueues(db.prefix);
    await db.drop();
  }
}

interface LagResult {
  p50: number;
  p99: number;
  max: number;
  count: number;
  redisBefore: RedisMemory;
  redisAfter: RedisMemory;
  inboxBefore: number;
  inboxAfter: number;
}

async function steadyLag(): Promise<LagResult> {
  const db = await createPipelineDb();
  const { consumer, disconnect } = widgetConsumer(db);
  const redisBefore = await redisMemory(db.prefix);
  const relay = relayFor(db, consumer);
  // The runner gets a process of its own, as in production (workers apart from the writers).
  const runner = await spawnRunner(db);
  try {
    const perTick = RATE / 10; // one transaction of RATE/10 events every 100 ms
    await writeInterleaved(db.pool, widgetSpecs(perTick, SECONDS * 10), 100);
    const total = perTick * SECONDS * 10;
    await waitForEffects(db, total, 120_000);
    const { rows } = await db.pool.query<{ ms: number }>(
      "SELECT extract(epoch FROM applied_at - occurred_at) * 1000 AS ms FROM widget_effect ORDER BY occurred_at",
    );
    const byTime = rows.map((r) => Number(r.ms));
    const tenth = Math.floor(byTime.length / 10);
    const median = (xs: number[]) =>
      percentile(
        [...xs].sort((a, b) => a - b),
        50,
      );
    console.log(
      `  (lag p50 in the first second ${median(byTime.slice(0, tenth)).toFixed(1)} ms, in the last second ${median(byTime.slice(-tenth)).toFixed(1)} ms)`,
    );
    const lags = [...byTime].sort((a, b) => a - b);
    const redisAfter = await redisMemory(db.prefix);
    const inboxBefore = await inboxRows(db);
    // The low-water mark the workers' prune task uses, with no retention: every applied event.
    await pruneInbox(consumer, new Date());
    const inboxAfter = await inboxRows(db);
    return {
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      max: lags[lags.length - 1] ?? NaN,
      count: lags.length,
      redisBefore,
      redisAfter,
      inboxBefore,
      inboxAfter,
    };
  } finally {
    await relay.stop();
    await runner.stop();
    await disconnect();
    await cleanQueues(db.prefix);
    await db.drop();
  }
}

async function rawBullmq(): Promise<{ add: number; endToEnd: number }> {
  const prefix = `bench-raw-${Date.now()}`;
  const connection = createRedis(TEST_REDIS_URL);
  const queue = new Queue("raw", { connection, prefix });
  const payload = {
    id: "00000000-0000-7000-8000-000000000000",
    type: "Noop",
    payload: { amount: 1 },
  };
  // RAW_JOBS no-op jobs in bulks of 500, their ids prefixed so that a second round adds new jobs.
  const addJobs = async (idPrefix: string) => {
    for (let i = 0; i < RAW_JOBS; i += 500) {
      await queue.addBulk(
        Array.from({ length: Math.min(500, RAW_JOBS - i) }, (_, j) => ({
          name: "noop",
          data: payload,
          opts: { jobId: `${idPrefix}${i + j}`, removeOnComplete: { age: 3600 } },
        })),
      );
    }
  };
  let started = performance.now();
  await addJobs("j");
  const add = RAW_JOBS / ((performance.now() - started) / 1000);
  await queue.obliterate({ force: true });

  let done = 0;
  const worker = new Worker("raw", async () => void done++, {
    connection: createRedis(TEST_REDIS_URL),
    prefix,
    concurrency: 16,
  });
  started = performance.now();
  await addJobs("k");
  await waitFor("raw jobs processed", () => done >= RAW_JOBS, { timeoutMs: 300_000 });
  const endToEnd = RAW_JOBS / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return { add, endToEnd };
}

async function inboxRows(db: PipelineDb): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>("SELECT count(*) AS n FROM inbox");
  return Number(rows[0]?.n ?? 0);
}

interface RedisMemory {
  /** INFO memory used_memory: the whole server's (shared with whatever else uses it). */
  usedMemory: number;
  /** MEMORY USAGE summed over this run's keys (its queue prefix), and how many keys. */
  prefixBytes: number;
  prefixKeys: number;
}

async function redisMemory(prefix: string): Promise<RedisMemory> {
  const redis = createRedis(TEST_REDIS_URL);
  const info = await redis.info("memory");
  const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
  let prefixBytes = 0;
  let prefixKeys = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    for (const key of keys) {
      prefixKeys++;
      prefixBytes += Number((await redis.memory("USAGE", key)) ?? 0);
    }
  } while (cursor !== "0");
  redis.disconnect();
  return { usedMemory, prefixBytes, prefixKeys };
}

async function cleanQueues(prefix: string) {
  const redis = createRedis(TEST_REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  redis.disconnect();
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const failed: string[] = [];
const target = (ok: boolean, what: string) => {
  if (!ok) failed.push(what);
  return ok ? "PASS" : "FAIL";
};

console.log(
  `ShopStream event pipeline benchmark (${new Date().toISOString()}; ${RATE} events/s for ${SECONDS} s)`,
);
const relayRate = await relayThroughput();
console.log(
  `relay throughput:            ${fmt(relayRate)} events/s (${fmt(RELAY_EVENTS)} outbox rows, batches of 500) ` +
    `[target ≥ 5,000: ${target(relayRate >= 5_000, "relay throughput")}]`,
);
const applied = await consumerThroughput();
console.log(
  `consumer throughput:         ${fmt(applied)} events/s applied by one workers process (${fmt(APPLY_EVENTS)} queued events) ` +
    `[target ≥ 2,000: ${target(applied >= 2_000, "consumer throughput")}]`,
);
const lag = await steadyLag();
console.log(
  `outbox → read-model lag:     p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms ` +
    `(${fmt(lag.count)} events at ${RATE}/s for ${SECONDS} s) [target p99 ≤ 100 ms: ${target(lag.p99 <= 100, "lag p99")}]`,
);
console.log(
  `Redis used_memory:           ${mb(lag.redisBefore.usedMemory)} before, ${mb(lag.redisAfter.usedMemory)} after (whole server, shared); ` +
    `this run's keys: ${fmt(lag.redisBefore.prefixKeys)} keys / ${mb(lag.redisBefore.prefixBytes)} before, ` +
    `${fmt(lag.redisAfter.prefixKeys)} keys / ${mb(lag.redisAfter.prefixBytes)} after`,
);
console.log(
  `inbox rows:                  ${fmt(lag.inboxBefore)} before pruning, ${fmt(lag.inboxAfter)} after`,
);
const raw = await rawBullmq();
console.log(`raw BullMQ addBulk:          ${fmt(raw.add)} jobs/s (no-op jobs)`);
console.log(`raw BullMQ add + process:    ${fmt(raw.endToEnd)} jobs/s (concurrency 16)`);
console.log(`relay / raw addBulk:         ${(relayRate / raw.add).toFixed(2)}`);
console.log(`consumer / raw add+process:  ${(applied / raw.endToEnd).toFixed(2)}`);
if (failed.length > 0) {
  console.log(`FAILED: ${failed.join(", ")}`);
  process.exit(1);
}
console.log("all targets met");
process.exit(0);
