/**
 * `pnpm bench:events` — event pipeline figures on this machine, in one run (prints, asserts
 * nothing):
 *   1. relay throughput: events/s from outbox rows to BullMQ jobs (+ live stream);
 *   2. outbox → read-model lag p50/p99 at a steady 500 events/s through relay and consumer;
 *   3. raw BullMQ as the reference: no-op jobs added with addBulk, and added + processed.
 * Uses the real PostgreSQL and Redis (DATABASE_URL / REDIS_URL or the local defaults), in a
 * throwaway database and a private queue prefix.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
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

const RELAY_EVENTS = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RAW_JOBS = Number(process.env.BENCH_RAW_JOBS ?? 20_000);

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

async function steadyLag(): Promise<{ p50: number; p99: number; max: number; count: number }> {
  const db = await createPipelineDb();
  const { consumer, disconnect } = widgetConsumer(db);
  const relay = relayFor(db, consumer);
  // The runner gets a process of its own, as in production (workers apart from the writers).
  const runner = spawn(
    process.execPath,
    [
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
    return {
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      max: lags[lags.length - 1] ?? NaN,
      count: lags.length,
    };
  } finally {
    await relay.stop();
    await new Promise((resolve) => {
      runner.once("exit", resolve);
      runner.kill("SIGTERM");
    });
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

async function cleanQueues(prefix: string) {
  const redis = createRedis(TEST_REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  redis.disconnect();
}

console.log(`ShopStream event pipeline benchmark (${new Date().toISOString()})`);
const relayRate = await relayThroughput();
console.log(
  `relay throughput:            ${fmt(relayRate)} events/s (${fmt(RELAY_EVENTS)} outbox rows, batches of 500)`,
);
const lag = await steadyLag();
console.log(
  `outbox → read-model lag:     p50 ${lag.p50.toFixed(1)} ms, p99 ${lag.p99.toFixed(1)} ms, max ${lag.max.toFixed(1)} ms ` +
    `(${fmt(lag.count)} events at ${RATE}/s for ${SECONDS} s)`,
);
const raw = await rawBullmq();
console.log(`raw BullMQ addBulk:          ${fmt(raw.add)} jobs/s (no-op jobs)`);
console.log(`raw BullMQ add + process:    ${fmt(raw.endToEnd)} jobs/s (concurrency 16)`);
console.log(`relay / raw addBulk:         ${(relayRate / raw.add).toFixed(2)}`);
console.log(`relay / raw add + process:   ${(relayRate / raw.endToEnd).toFixed(2)}`);
process.exit(0);
