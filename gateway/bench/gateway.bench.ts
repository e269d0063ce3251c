/**
 * `pnpm bench:gateway`: the storefront read — ACTIVE products, 20 to a page, each variant's price
 * (with `formatted`) from catalogue and availability from inventory — through our gateway and,
 * as the reference, through Hive Gateway serving the same supergraph against the same subgraphs
 * (hive-gateway.ts). Rounds alternate between the two (ours, Hive, ours, …) so a busy neighbour
 * on the machine weighs on both alike. Prints req/s per round and overall, p50/p99 latency and
 * the ratio ours / Hive. Asserts nothing beyond both answering the same data.
 *
 * Runs its own stack on real PostgreSQL (databases `shopstream_<BENCH_NAMESPACE>_*`) and Redis
 * (REDIS_URL), gateway on BENCH_PORT_BASE, subgraphs on the next ports, Hive on BENCH_PORT_BASE+30.
 * Knobs: BENCH_PORT_BASE (26000), BENCH_NAMESPACE (benchgw), BENCH_ROUNDS (3), BENCH_SECONDS (10),
 * BENCH_CONNECTIONS (16), BENCH_PRODUCTS (20), BENCH_VARIANTS per product (2).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { generateInternalKeyPair } from "@shopstream/auth";
import { REPO_ROOT, startStack } from "@shopstream/stack";
import { graphql, TEST_REDIS_URL, TEST_SERVER_URL, unique } from "@shopstream/testing";
import autocannon from "autocannon";
import {
  activateBenchProduct,
  createBenchProduct,
  createBenchWarehouse,
  initializeBenchStock,
  receiveBenchStock,
  sleep,
} from "./bench-kit.ts";

const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 26000);
const NAMESPACE = process.env.BENCH_NAMESPACE ?? "benchgw";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 20);
const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 2);
const HIVE_PORT = PORT_BASE + 30;

export const STOREFRONT_QUERY = `query Storefront {
  products(filter: { status: ACTIVE }, first: 20) {
    edges { node { id sku title variants {
      id variantSku
      price { amount currency formatted }
      availability { available inStock }
    } } }
  }
}`;

const lines: string[] = [];
const internalKeys = await generateInternalKeyPair();
const stack = await startStack({
  portBase: PORT_BASE,
  databaseUrl: TEST_SERVER_URL,
  namespace: NAMESPACE,
  redisUrl: TEST_REDIS_URL,
  embedded: { dataDir: "", basePort: 0 },
  logLevel: "warn",
  internalKeys,
  // The rate limiter stays on (its Redis round trip is part of our gateway's cost) with a budget
  // the bench cannot exhaust from one address.
  env: {
    QUEUE_PREFIX: `shopstream-${NAMESPACE}`,
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: "10000000",
    RATE_LIMIT_PER_MINUTE: "10000000",
  },
  log: (line) => lines.push(line),
}).catch((error: unknown) => {
  console.error(lines.join("\n"));
  throw error;
});

let hive: ChildProcess | undefined;
try {
  const url = stack.gatewayUrl;
  // Hive starts while the data is seeded (it takes a while to load on a busy machine).
  const subgraphUrls = Object.fromEntries(
    Object.entries(stack.serviceUrls)
      .filter(([name]) =>
        ["identity", "catalogue", "ordering", "inventory", "payments"].includes(name),
      )
      .map(([name, base]) => [name, `${base}/graphql`]),
  );
  hive = spawn(process.execPath, ["--import", "tsx", "gateway/bench/hive-gateway.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      HIVE_PORT: String(HIVE_PORT),
      HIVE_SUBGRAPH_URLS: JSON.stringify(subgraphUrls),
      INTERNAL_AUTH_PRIVATE_KEY: JSON.stringify(internalKeys.privateKey),
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const tag = unique("GWB").toUpperCase();
  const warehouseId = await createBenchWarehouse(url, tag);
  // A few products at a time: the catalogue's write pool is small (a burst answers 503).
  for (let first = 0; first < PRODUCTS; first += 4) {
    const batch = Array.from({ length: Math.min(4, PRODUCTS - first) }, (_, i) => first + i);
    await Promise.all(
      batch.map(async (p) => {
        const sku = `${tag}-${p}`;
        const { productId, variantIds } = await createBenchProduct(url, sku, VARIANTS, 1000 + p);
        for (const variantId of variantIds) {
          const stockItem = await initializeBenchStock(url, variantId, warehouseId);
          await receiveBenchStock(url, stockItem, 10 + p);
        }
        await activateBenchProduct(url, productId);
      }),
    );
  }

  const hiveUrl = `http://127.0.0.1:${HIVE_PORT}/graphql`;
  const gateways = { ours: url, hive: hiveUrl } as const;

  // Both must answer, and answer the same page, before anything is timed.
  const answers: Record<string, string> = {};
  for (const [name, target] of Object.entries(gateways)) {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const result = await graphql(target, STOREFRONT_QUERY).catch((e: Error) => ({
        errors: [{ message: e.message }],
        data: undefined,
      }));
      if (!result.errors) {
        answers[name] = JSON.stringify(result.data);
        break;
      }
      if (Date.now() > deadline)
        throw new Error(`${name} never answered: ${JSON.stringify(result.errors)}`);
      await sleep(250);
    }
  }
  if (answers.ours !== answers.hive) throw new Error("the two gateways answered different data");
  const page = JSON.parse(answers.ours!) as {
    products: { edges: { node: { variants: unknown[] } }[] };
  };
  const prices = page.products.edges.reduce((n, e) => n + e.node.variants.length, 0);

  const run = (target: string, duration: number) =>
    autocannon({
      url: target,
      method: "POST",
      connections: CONNECTIONS,
      duration,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: STOREFRONT_QUERY }),
    });
  // Warm both (JIT, connection pools, plan caches) before the timed rounds.
  for (const target of Object.values(gateways)) await run(target, 2);

  type Round = { rps: number; p50: number; p99: number; errors: number };
  const rounds: Record<keyof typeof gateways, Round[]> = { ours: [], hive: [] };
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of ["ours", "hive"] as const) {
      const result = await run(gateways[name], SECONDS);
      rounds[name].push({
        rps: result.requests.total / (result.duration || SECONDS),
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts + result.non2xx,
      });
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const summary = (name: keyof typeof gateways) => {
    const rs = rounds[name];
    return {
      rps: mean(rs.map((r) => r.rps)),
      p50: mean(rs.map((r) => r.p50)),
      p99: Math.max(...rs.map((r) => r.p99)),
      errors: rs.reduce((n, r) => n + r.errors, 0),
    };
  };
  const ours = summary("ours");
  const ref = summary("hive");
  const row = (label: string, s: ReturnType<typeof summary>, per: Round[]) =>
    `  ${label.padEnd(13)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(0)} ms  p99 ${s.p99.toFixed(0)} ms  errors ${s.errors}   rounds: ${per.map((r) => r.rps.toFixed(0)).join(", ")}`;
  console.log(
    [
      `bench:gateway — storefront read (${page.products.edges.length} products, ${prices} variants with price + availability), ${CONNECTIONS} connections, ${ROUNDS} alternating rounds × ${SECONDS} s`,
      row("ours", ours, rounds.ours),
      row("Hive Gateway", ref, rounds.hive),
      `  ratio         ${(ours.rps / ref.rps).toFixed(2)}× Hive Gateway (target ≥ 1.0×)`,
    ].join("\n"),
  );
} finally {
  // Hive goes first: stopped subgraphs would make it log every request it still had open.
  if (hive && hive.exitCode === null) {
    const exited = once(hive, "exit");
    hive.kill();
    // Hive drains its keep-alive connections on SIGTERM and can take minutes; it has had 5 s.
    const drained = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!drained) {
      hive.kill("SIGKILL");
      await exited;
    }
  }
  await stack.stop();
}
