/**
 * `pnpm bench:subscriptions`: holds 1,000 live subscribers on the gateway (one graphql-ws
 * connection each, 100 per variant over 10 variants), drives stock changes at a steady rate
 * through the gateway, and prints the event-to-client latency (the event's `occurredAt`, stamped
 * when inventory commits the change, to the moment a client has the resolved event) with the
 * gateway process's memory. Every event is resolved through the federated graph (catalogue +
 * inventory fields). Prints figures; asserts nothing.
 *
 * The reference, measured on the same events in the same run: a bare Redis client subscribed to
 * the inventory live stream the relay writes (the doorbell channel, then XRANGE), stamping when
 * each event reaches Redis. That is the pipeline's floor (commit → relay → Redis) which no
 * gateway can beat; the ratio is what the gateway's fan-out, entity resolution and 1,000
 * WebSocket sends add on top of it.
 *
 * Runs its own stack on real PostgreSQL (databases `shopstream_bench_*`) and Redis on ports
 * BENCH_PORT_BASE (25000)+. Knobs: BENCH_SUBSCRIBERS (1000), BENCH_RATE events/s (20), BENCH_SECONDS (15).
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { readDevKey, signDevToken } from "@shopstream/auth";
import { liveChannel, liveStreamKey, parseLiveEntry } from "@shopstream/live";
import { DEFAULT_DEV_KEY_FILE, startStack } from "@shopstream/stack";
import { TEST_REDIS_URL, TEST_SERVER_URL, unique } from "@shopstream/testing";
import { Redis } from "ioredis";
import { collect, liveClient } from "../test/live-client.ts";
import {
  activateBenchProduct,
  createBenchProduct,
  createBenchWarehouse,
  initializeBenchStock,
  percentile,
  receiveBenchStock,
  sleep,
} from "./bench-kit.ts";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const VARIANTS = 10;

const rssMiB = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
};
const PREFIX = "shopstream-bench";
const lines: string[] = [];
const stack = await startStack({
  portBase: Number(process.env.BENCH_PORT_BASE ?? 25000),
  databaseUrl: TEST_SERVER_URL,
  namespace: "bench",
  redisUrl: TEST_REDIS_URL,
  embedded: { dataDir: "", basePort: 0 },
  logLevel: "warn",
  env: { QUEUE_PREFIX: PREFIX, WS_MAX_BUFFERED_EVENTS: "100000" },
  log: (line) => lines.push(line),
}).catch((error: unknown) => {
  console.error(lines.join("\n"));
  throw error;
});
const url = stack.gatewayUrl;
const gatewayPid = stack.pids.gateway!;

try {
  // A product with 10 variants, each stocked in a warehouse of the benchmark's own.
  const tag = unique("BENCH").toUpperCase();
  const { productId, variantIds: variants } = await createBenchProduct(url, tag, VARIANTS, 1000);
  await activateBenchProduct(url, productId);
  const warehouseId = await createBenchWarehouse(url, tag);
  const stockItems: string[] = [];
  for (const variantId of variants)
    stockItems.push(await initializeBenchStock(url, variantId, warehouseId));
  const receive = (i: number) => receiveBenchStock(url, stockItems[i % VARIANTS]!, 1);

  await sleep(1000);
  const baselineMiB = rssMiB(gatewayPid);

  // 1,000 subscribers, one connection each, as 1,000 open dashboards would be.
  const latencies: number[] = [];
  let measuring = false;
  // Signed in as an inventory manager: stock changes are staff-only (the stack's dev key).
  const key = await readDevKey(DEFAULT_DEV_KEY_FILE);
  const token = await signDevToken(key.privateKey, {
    sub: "bench-dashboard",
    roles: ["inventory_manager"],
  });
  const clients = Array.from({ length: SUBSCRIBERS }, () =>
    liveClient(url, { authorization: `Bearer ${token}` }),
  );
  const subs = clients.map((client, i) =>
    collect<{ stockLevelChanged: { occurredAt: string } }>(
      client,
      `subscription($v: ID!, $w: ID!) { stockLevelChanged(variantId: $v, warehouseId: $w) {
        cursor event occurredAt current { onHand available }
        variant { variantSku price { amount currency } availability { available } }
      } }`,
      { v: variants[i % VARIANTS], w: warehouseId },
    ),
  );
  for (const s of subs) {
    const push = s.results.push.bind(s.results);
    s.results.push = (...items) => {
      if (measuring) {
        const now = Date.now();
        for (const r of items) {
          const at = r.data?.stockLevelChanged.occurredAt;
          if (at) latencies.push(now - Date.parse(at));
        }
      }
      return push(...items);
    };
  }
  // Live once every subscriber has seen one probe receipt on its variant.
  const connectStarted = performance.now();
  for (let round = 0; !subs.every((s) => s.results.length > 0); round++) {
    if (round > 60) throw new Error("subscribers never became live");
    await Promise.all(Array.from({ length: VARIANTS }, (_, i) => receive(i)));
    await sleep(1000);
  }
  const connectMs = performance.now() - connectStarted;
  const errors = subs.flatMap((s) => s.results.filter((r) => r.errors)).length;
  await sleep(2000);
  const idleMiB = rssMiB(gatewayPid);

  // The reference: the same events as they reach Redis, read the way the gateway's hub reads them.
  const floor: number[] = [];
  const doorbell = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  const streamReader = new Redis(TEST_REDIS_URL);
  let lastId =
    (
      await streamReader.xrevrange(liveStreamKey(PREFIX, "inventory"), "+", "-", "COUNT", 1)
    )[0]?.[0] ?? "0-0";
  let reading: Promise<void> = Promise.resolve();
  await doorbell.connect();
  doorbell.on("message", () => {
    reading = reading.then(async () => {
      const now = Date.now();
      const entries = await streamReader.xrange(
        liveStreamKey(PREFIX, "inventory"),
        `(${lastId}`,
        "+",
      );
      for (const [id, fields] of entries) {
        lastId = id;
        const { event } = parseLiveEntry(id, fields);
        if (measuring && event.type === "StockReceived")
          floor.push(now - Date.parse(event.occurredAt));
      }
    });
  });
  await doorbell.subscribe(liveChannel(PREFIX, "inventory"));

  // Steady rate: one receipt every 1000/RATE ms, round-robin over the variants.
  const total = RATE * SECONDS;
  const before = subs.map((s) => s.results.length);
  measuring = true;
  let peakMiB = idleMiB;
  const sampler = setInterval(() => {
    peakMiB = Math.max(peakMiB, rssMiB(gatewayPid));
  }, 250);
  const started = performance.now();
  const pending: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(receive(n));
  }
  await Promise.all(pending);
  const expected = (total / VARIANTS) * SUBSCRIBERS;
  const deadline = performance.now() + 60_000;
  const delivered = () => subs.reduce((n, s, i) => n + s.results.length - before[i]!, 0);
  while (delivered() < expected && performance.now() < deadline) await sleep(100);
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  measuring = false;

  await reading;
  doorbell.disconnect();
  streamReader.disconnect();

  const sorted = [...latencies].sort((a, b) => a - b);
  const floorSorted = [...floor].sort((a, b) => a - b);
  const fmt = (n: number) => `${n.toFixed(0)} ms`;
  const p99 = percentile(sorted, 99);
  const floorP99 = percentile(floorSorted, 99);
  console.log(
    [
      `bench:subscriptions — ${SUBSCRIBERS} subscribers (one graphql-ws connection each, ${SUBSCRIBERS / VARIANTS} per variant), ${RATE} stock changes/s for ${SECONDS} s`,
      `  subscribers live after      ${(connectMs / 1000).toFixed(1)} s (errors: ${errors})`,
      `  events                      ${total} (${(total / VARIANTS).toFixed(0)} per variant), deliveries ${delivered()} of ${expected} expected in ${elapsed.toFixed(1)} s (${(delivered() / elapsed).toFixed(0)}/s)`,
      `  event → client latency      p50 ${fmt(percentile(sorted, 50))}  p90 ${fmt(percentile(sorted, 90))}  p99 ${fmt(percentile(sorted, 99))}  max ${fmt(sorted[sorted.length - 1] ?? Number.NaN)}`,
      `  reference: event → Redis     p50 ${fmt(percentile(floorSorted, 50))}  p90 ${fmt(percentile(floorSorted, 90))}  p99 ${fmt(floorP99)}  (${floor.length} events; commit → relay → live stream, no gateway)`,
      `  ratio (p99)                 ${(p99 / floorP99).toFixed(2)}× the pipeline floor; gateway adds ${fmt(p99 - floorP99)} at p99; target p99 ≤ 100 ms: ${p99 <= 100 ? "met" : "NOT met"}`,
      `  gateway RSS                 ${baselineMiB.toFixed(0)} MiB before subscribers, ${idleMiB.toFixed(0)} MiB holding ${SUBSCRIBERS} (${(((idleMiB - baselineMiB) * 1024) / SUBSCRIBERS).toFixed(1)} KiB each), peak ${peakMiB.toFixed(0)} MiB under load`,
    ].join("\n"),
  );
  await Promise.all(clients.map((c) => c.dispose()));
} finally {
  await stack.stop();
}
