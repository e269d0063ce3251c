/**
 * `pnpm bench:checkout` — checkout under load: places and confirms orders through the gateway
 * (default 300 orders in about 20 s, 30 at a time) with the payment provider succeeding, then
 * waits for the saga (inventory reserves, payments charges, the provider reports, ordering marks
 * the order PAID). Prints the time from confirmation to PAID (p50/p99, from the orders' own
 * `OrderConfirmed` and `OrderPaid` timeline entries), how long after the last confirmation the
 * last order was PAID, and the dead letters. Exits 1 when the target is missed: every order PAID
 * within 30 s of the last confirmation, nothing dead-lettered.
 *
 * Runs its own whole stack (gateway, subgraphs, workers, provider) on the real PostgreSQL
 * (databases `shopstream_<namespace>_*`) and Redis. Knobs: BENCH_ORDERS (300), BENCH_AT_ONCE (30),
 * BENCH_SECONDS (20), BENCH_PORT_BASE (25100), BENCH_NAMESPACE (bench_checkout).
 */
import { performance } from "node:perf_hooks";
import { CONTEXTS, contextDatabaseUrl } from "@shopstream/db";
import { createRedis } from "@shopstream/redis";
import { startStack } from "@shopstream/stack";
import { TEST_REDIS_URL, TEST_SERVER_URL, unique } from "@shopstream/testing";
import { e2eShop } from "@shopstream/testing/e2e-shop";
import { Queue } from "bullmq";
import pg from "pg";
import { DEAD_LETTER_QUEUE } from "../src/pipeline/names.ts";

const ORDERS = Number(process.env.BENCH_ORDERS ?? 300);
const AT_ONCE = Number(process.env.BENCH_AT_ONCE ?? 30);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 25100);
// A namespace (databases) and queue prefix of this run's own, dropped at the end: events left
// from an earlier run must not queue ahead of this one's.
const NAMESPACE = `${process.env.BENCH_NAMESPACE ?? "bench_checkout"}_${Date.now().toString(36)}`;
const DEADLINE_MS = 30_000;
const QUEUE_PREFIX = `shopstream-${NAMESPACE}`;

async function dropRunData() {
  const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
  await admin.connect();
  for (const context of CONTEXTS) {
    const name = new URL(
      contextDatabaseUrl(TEST_SERVER_URL, context, { namespace: NAMESPACE }),
    ).pathname.slice(1);
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
  await admin.end();
  const redis = createRedis(TEST_REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${QUEUE_PREFIX}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
  redis.disconnect();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `step` again while the stack answers SERVICE_UNAVAILABLE (the documented retryable
 * refusal under load, with Retry-After), as a client should; the retries are counted.
 */
let retries = 0;
async function retrying<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!message.includes("SERVICE_UNAVAILABLE") || attempt >= 10) throw error;
      retries++;
      await sleep(1000);
    }
  }
}

const lines: string[] = [];
const stack = await startStack({
  portBase: PORT_BASE,
  databaseUrl: TEST_SERVER_URL,
  namespace: NAMESPACE,
  redisUrl: TEST_REDIS_URL,
  embedded: { dataDir: "", basePort: 0 },
  logLevel: "warn",
  env: { QUEUE_PREFIX },
  log: (line) => lines.push(line),
}).catch((error: unknown) => {
  console.error(lines.join("\n"));
  throw error;
});

interface Timeline {
  status: string;
  timeline: { type: string; occurredAt: string }[];
}

let failed = true;
try {
  console.log(
    `ShopStream checkout benchmark (${new Date().toISOString()}; ${ORDERS} orders in ~${SECONDS} s, ${AT_ONCE} at a time)`,
  );
  const shop = e2eShop(stack.gatewayUrl, stack.serviceUrls);
  const fulfilment = shop.as("fulfilment");
  // One variant with stock for every order, and one customer per lane.
  const variantId = await shop.activeVariant(unique("CHK").toUpperCase(), 1_000);
  await shop.stock(variantId, ORDERS * 2);
  const customers: string[] = [];
  for (let i = 0; i < AT_ONCE; i++) customers.push(await retrying(() => shop.registerCustomer()));

  // AT_ONCE lanes, each placing and confirming its share of orders at an even pace.
  const perLane = Math.ceil(ORDERS / AT_ONCE);
  const spacingMs = (SECONDS * 1000) / perLane;
  const placed: string[] = [];
  const errors: string[] = [];
  const started = performance.now();
  await Promise.all(
    customers.map(async (customerId, lane) => {
      await sleep((lane * spacingMs) / AT_ONCE);
      for (let i = 0; i < perLane && lane * perLane + i < ORDERS; i++) {
        const due = started + (lane * spacingMs) / AT_ONCE + i * spacingMs;
        await sleep(Math.max(0, due - performance.now()));
        try {
          const order = await retrying(() =>
            shop.placeOrder(customerId, [{ variantId, quantity: 1 }]),
          );
          await retrying(() =>
            fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { status } }`, {
              id: order.id,
            }),
          );
          placed.push(order.id);
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
  const lastConfirmed = performance.now();
  console.log(
    `placed and confirmed:        ${placed.length} orders in ${((lastConfirmed - started) / 1000).toFixed(1)} s` +
      ` (${retries} calls retried after SERVICE_UNAVAILABLE` +
      (errors.length > 0
        ? `; ${errors.length} failed: ${[...new Set(errors)].slice(0, 3).join("; ")})`
        : ")"),
  );

  // Wait for the saga: every order PAID, or the deadline.
  let paid = 0;
  let lastPaidAt = lastConfirmed;
  let statuses: string[] = [];
  while (performance.now() - lastConfirmed < DEADLINE_MS) {
    statuses = [];
    for (let i = 0; i < placed.length; i += 50) {
      const batch = await shop.orders<{ status: string }>(
        placed.slice(i, i + 50),
        "status",
        "fulfilment",
      );
      statuses.push(...batch.map((o) => o.status));
    }
    const now = statuses.filter((s) => s === "PAID").length;
    if (now > paid) lastPaidAt = performance.now();
    paid = now;
    if (paid === placed.length) break;
    await sleep(250);
  }

  // Confirmation → PAID as the orders recorded them.
  const latencies: number[] = [];
  for (let i = 0; i < placed.length; i += 50) {
    const batch = await shop.orders<Timeline>(
      placed.slice(i, i + 50),
      "status timeline { type occurredAt }",
      "fulfilment",
    );
    for (const o of batch) {
      const at = (type: string) => o.timeline.find((e) => e.type === type)?.occurredAt;
      const confirmed = at("OrderConfirmed");
      const paidAt = at("OrderPaid");
      if (confirmed && paidAt) latencies.push(Date.parse(paidAt) - Date.parse(confirmed));
    }
  }
  latencies.sort((a, b) => a - b);

  const redis = createRedis(TEST_REDIS_URL);
  const dlq = new Queue(DEAD_LETTER_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  const counts = await dlq.getJobCounts();
  const deadLetters = Object.values(counts).reduce((a, b) => a + b, 0);
  await dlq.close();
  redis.disconnect();

  // What the consumers did, from the workers' metrics: waits for a connection or a lock are
  // "waited" (no attempt spent), handler failures "retried".
  const scrape = await (await fetch(`${stack.serviceUrls.workers}/metrics`)).text();
  const outcomes = new Map<string, number>();
  for (const m of scrape.matchAll(
    /^shopstream_consumer_events_total\{[^}]*outcome="([a-z_]+)"[^}]*\} (\S+)$/gm,
  ))
    outcomes.set(m[1]!, (outcomes.get(m[1]!) ?? 0) + Number(m[2]));
  console.log(
    `consumer outcomes:           ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );

  const waits = new Map<string, number>();
  for (const line of lines.filter((l) => l.includes("event will be retried"))) {
    const error = /"error":"([^"]{0,120})/.exec(line)?.[1] ?? line.slice(0, 160);
    waits.set(error, (waits.get(error) ?? 0) + 1);
  }
  for (const [error, n] of [...waits].sort((a, b) => b[1] - a[1]).slice(0, 3))
    console.log(`  waited ${n}× on: ${error}`);

  const withinDeadline = paid === ORDERS && lastPaidAt - lastConfirmed <= DEADLINE_MS;
  console.log(
    `PAID:                        ${paid}/${ORDERS}, the last ${((lastPaidAt - lastConfirmed) / 1000).toFixed(1)} s after the last confirmation (target: all within ${DEADLINE_MS / 1000} s)`,
  );
  const byStatus = new Map<string, number>();
  for (const st of statuses) byStatus.set(st, (byStatus.get(st) ?? 0) + 1);
  console.log(
    `  order statuses at the end: ${[...byStatus].map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
  console.log(
    `confirm → PAID:              p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies.at(-1) ?? Number.NaN).toFixed(0)} ms (${latencies.length} orders)`,
  );
  console.log(`dead-lettered:               ${deadLetters} (target: 0)`);
  failed = !withinDeadline || deadLetters > 0 || errors.length > 0;
  console.log(failed ? "FAILED" : "target met");
} finally {
  await stack.stop();
  await dropRunData();
}
process.exit(failed ? 1 : 0);
