/**
 * `pnpm bench:orders`: `placeOrder` through the gateway with the whole stack running (subgraphs,
 * gateway, workers with the saga's consumers, the simulated payment provider).
 *
 * - Sustained (default): `--concurrency` clients place orders back to back for `--duration`
 *   seconds; prints orders/s, errors by code, and the CPU each process of the stack spent per
 *   order (utime + stime from /proc/<pid>/stat before and after), per process and in total. Then
 *   the same transaction's SQL (what placeOrder writes) in `pgbench` against a scratch database
 *   migrated like ordering's, as the reference, and the ratio.
 * - `--burst N`: N `placeOrder` at once; prints how many were served, refused with the retryable
 *   SERVICE_UNAVAILABLE (HTTP 503 + Retry-After) and anything else (INTERNAL_SERVER_ERROR…), then
 *   checks that nothing is half-written (an order without lines, outbox row or history; an
 *   OrderPlaced outbox row without its order). Exits 1 when a check fails.
 *
 * Runs its own stack on real PostgreSQL (`DATABASE_URL`, databases `shopstream_<namespace>_*`)
 * and Redis (`REDIS_URL`). Options: --duration 30, --concurrency 32, --burst, --port-base 25000,
 * --namespace bench, --pgbench-clients 16, --no-pgbench, --profile <dir> (CPU profiles of
 * every service over the sustained run); `--env KEY=VALUE` (repeatable) reaches
 * every service (pool sizes, limits). Prints figures; asserts only the burst's invariants.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { applyMigrations, contextDatabaseUrl, contextPaths, ensureDatabase } from "@shopstream/db";
import { startStack } from "@shopstream/stack";
import { TEST_REDIS_URL, TEST_SERVER_URL, unique } from "@shopstream/testing";
import { e2eShop } from "@shopstream/testing/e2e-shop";
import { tokens } from "@shopstream/testing/tokens";
import pg from "pg";
import { benchOptions } from "./orders-options.ts";

const opts = benchOptions(process.argv.slice(2));
/** The sustained run's figure, for the pgbench ratio. */
const result = { ordersPerSecond: Number.NaN };
const CUSTOMERS = 16;
const VARIANTS = 4;

/** utime + stime of a process, in seconds (fields 14 and 15 of /proc/<pid>/stat, in ticks). */
const TICKS_PER_SECOND = 100;
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
const cpuOf = (pids: Record<string, number>) =>
  Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));

const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`;

interface Outcome {
  status: number;
  code: string;
  retryAfter: string | null;
}

const lines: string[] = [];
const stack = await startStack({
  portBase: opts.portBase,
  databaseUrl: TEST_SERVER_URL,
  namespace: opts.namespace,
  redisUrl: TEST_REDIS_URL,
  embedded: { dataDir: "", basePort: 0 },
  logLevel: "warn",
  env: {
    QUEUE_PREFIX: `shopstream-${opts.namespace}`,
    ...(opts.profile
      ? {
          NODE_OPTIONS: `--import ${fileURLToPath(new URL("./cpu-profile.mjs", import.meta.url))}`,
          CPU_PROFILE_DIR: opts.profile,
        }
      : {}),
    ...opts.env,
  },
  log: (line) => lines.push(line),
}).catch((error: unknown) => {
  console.error(lines.join("\n"));
  throw error;
});
const orderingUrl = contextDatabaseUrl(TEST_SERVER_URL, "ordering", {
  namespace: opts.namespace,
});

let failed = false;
try {
  const shop = e2eShop(stack.gatewayUrl, stack.serviceUrls);
  const tag = unique("ORD").toUpperCase();
  // One step at a time: the set-up is not measured, and a loaded machine may refuse a crowd.
  const variants: string[] = [];
  for (let i = 0; i < VARIANTS; i++)
    variants.push(await shop.activeVariant(`${tag}-${i}`, 1000 + i));
  const customers: string[] = [];
  for (let i = 0; i < CUSTOMERS; i++) customers.push(await shop.registerCustomer(`${tag}-c${i}`));
  // One order each, once ordering heard of the customers and the variants (a warm-up too).
  for (const [i, c] of customers.entries())
    await shop.placeOrder(c, [{ variantId: variants[i % VARIANTS]!, quantity: 1 }]);
  const headers = await Promise.all(
    customers.map(async (c) => ({
      "content-type": "application/json",
      ...(await tokens.headers(shop.customer(c))),
    })),
  );
  let n = 0;
  const placeOne = async (): Promise<Outcome> => {
    const i = n++;
    const body = JSON.stringify({
      query: PLACE,
      variables: {
        input: {
          customerId: customers[i % CUSTOMERS],
          lines: [
            { variantId: variants[i % VARIANTS], quantity: 1 },
            { variantId: variants[(i + 1) % VARIANTS], quantity: 2 },
          ],
        },
      },
    });
    try {
      const res = await fetch(stack.gatewayUrl, {
        method: "POST",
        headers: headers[i % CUSTOMERS],
        body,
      });
      const json = (await res.json()) as {
        data?: { placeOrder: { id: string } | null } | null;
        errors?: { extensions?: { code?: string } }[];
      };
      const code = json.errors?.[0]?.extensions?.code ?? (json.data?.placeOrder ? "OK" : "NO_DATA");
      return { status: res.status, code, retryAfter: res.headers.get("retry-after") };
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? "";
      return {
        status: 0,
        code: `FETCH_FAILED ${(error as Error).message} ${cause}`,
        retryAfter: null,
      };
    }
  };

  if (opts.burst > 0) failed = !(await burst(placeOne));
  else await sustained(placeOne);
} catch (error) {
  console.error(lines.slice(-40).join("\n"));
  throw error;
} finally {
  await stack.stop();
}
if (!opts.burst && opts.pgbench) await pgbenchReference();
process.exit(failed ? 1 : 0);

async function sustained(placeOne: () => Promise<Outcome>) {
  const tally = new Map<string, number>();
  if (opts.profile) for (const pid of Object.values(stack.pids)) process.kill(pid, "SIGUSR2");
  const cpuBefore = cpuOf(stack.pids);
  const pidsBefore = { ...stack.pids };
  const started = performance.now();
  const until = started + opts.duration * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < until) {
        const { code } = await placeOne();
        tally.set(code, (tally.get(code) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuOf(stack.pids);
  if (opts.profile) {
    for (const pid of Object.values(stack.pids)) process.kill(pid, "SIGUSR2");
    await new Promise((r) => setTimeout(r, 3000));
  }
  const placed = tally.get("OK") ?? 0;
  const errors = [...tally].filter(([code]) => code !== "OK");
  const restarted = Object.keys(pidsBefore).filter((s) => pidsBefore[s] !== stack.pids[s]);
  const perOrder = (s: number) => `${((s * 1000) / Math.max(placed, 1)).toFixed(2)} ms`;
  let total = 0;
  const rows = Object.keys(cpuAfter).map((name) => {
    const spent = cpuAfter[name]! - cpuBefore[name]!;
    total += spent;
    return `    ${name.padEnd(18)} ${spent.toFixed(2).padStart(7)} s  ${perOrder(spent).padStart(10)}/order`;
  });
  console.log(
    [
      `bench:orders — placeOrder (2 lines) through the gateway, ${opts.concurrency} clients, ${seconds.toFixed(1)} s, whole stack running (machine may be shared)`,
      `  orders placed      ${placed}  (${(placed / seconds).toFixed(0)} orders/s)`,
      `  errors             ${errors.reduce((s, [, c]) => s + c, 0)}${errors.length ? `  ${errors.map(([c, k]) => `${c}: ${k}`).join(", ")}` : ""}`,
      `  CPU per order, per process (utime+stime from /proc):`,
      ...rows,
      `    ${"total".padEnd(18)} ${total.toFixed(2).padStart(7)} s  ${perOrder(total).padStart(10)}/order`,
      ...(restarted.length ? [`  RESTARTED during the run: ${restarted.join(", ")}`] : []),
    ].join("\n"),
  );
  result.ordersPerSecond = placed / seconds;
}

async function burst(placeOne: () => Promise<Outcome>): Promise<boolean> {
  const outcomes = await Promise.all(Array.from({ length: opts.burst }, () => placeOne()));
  const served = outcomes.filter((o) => o.code === "OK").length;
  const refused = outcomes.filter(
    (o) => o.status === 503 && o.code === "SERVICE_UNAVAILABLE" && o.retryAfter !== null,
  ).length;
  const other = outcomes.filter(
    (o) => o.code !== "OK" && !(o.status === 503 && o.code === "SERVICE_UNAVAILABLE"),
  );
  const internal = other.filter((o) => o.code === "INTERNAL_SERVER_ERROR").length;
  const kinds = new Map<string, number>();
  for (const o of other.filter((o) => o.code !== "INTERNAL_SERVER_ERROR"))
    kinds.set(`${o.status} ${o.code}`, (kinds.get(`${o.status} ${o.code}`) ?? 0) + 1);
  const halfWritten = await halfWrittenCounts();
  const broken = Object.entries(halfWritten).filter(([, count]) => count > 0);
  console.log(
    [
      `bench:orders --burst ${opts.burst} — that many placeOrder at once through the gateway (machine may be shared)`,
      `  served                      ${served}`,
      `  refused, retryable (503 SERVICE_UNAVAILABLE + Retry-After)  ${refused}`,
      `  internal errors             ${internal}`,
      `  other                       ${other.length - internal}${kinds.size ? `  ${[...kinds].map(([k, c]) => `${k}: ${c}`).join(", ")}` : ""}`,
      `  half-written                ${broken.length === 0 ? "none" : broken.map(([k, c]) => `${k}: ${c}`).join(", ")}  (${Object.keys(halfWritten).join("; ")})`,
    ].join("\n"),
  );
  // What the services logged about the internal errors (their correlation ids), to chase them.
  for (const line of lines.filter((l) => l.includes("unexpected error")).slice(0, 3))
    console.log(`  logged: ${line.slice(0, 600)}`);
  return internal === 0 && other.length === 0 && broken.length === 0;
}

/** Orders and outbox rows that only a partial write could leave (each count must be 0). */
async function halfWrittenCounts(): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: orderingUrl });
  await client.connect();
  try {
    const count = async (sql: string) => Number((await client.query(sql)).rows[0].n);
    return {
      "orders without lines": await count(
        `SELECT count(*) AS n FROM "order" o WHERE NOT EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id)`,
      ),
      "orders without an OrderPlaced outbox row": await count(
        `SELECT count(*) AS n FROM "order" o WHERE NOT EXISTS (SELECT 1 FROM outbox x WHERE x.aggregate_id = o.id::text AND x.event_type = 'OrderPlaced')`,
      ),
      "orders without history": await count(
        `SELECT count(*) AS n FROM "order" o WHERE NOT EXISTS (SELECT 1 FROM order_event e WHERE e.order_id = o.id)`,
      ),
      "OrderPlaced outbox rows without an order": await count(
        `SELECT count(*) AS n FROM outbox x WHERE x.event_type = 'OrderPlaced' AND NOT EXISTS (SELECT 1 FROM "order" o WHERE o.id::text = x.aggregate_id)`,
      ),
    };
  } finally {
    await client.end();
  }
}

/**
 * The reference: what one placeOrder writes (and reads) in PostgreSQL, as one pgbench
 * transaction — the customer and price look-ups, the order, two lines, its OrderPlaced outbox row
 * (whose trigger notifies the relay) and its history row — against a scratch database migrated
 * with ordering's migrations, `--pgbench-clients` clients, prepared statements.
 */
async function pgbenchReference() {
  const url = contextDatabaseUrl(TEST_SERVER_URL, "ordering", {
    namespace: `${opts.namespace}_pgbench`,
  });
  await ensureDatabase(url);
  await applyMigrations({
    connectionString: url,
    migrationsDir: contextPaths("ordering").migrationsDir,
  });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const customer = "00000000-0000-7000-8000-000000000001";
  const variant = "00000000-0000-7000-8000-000000000002";
  await client.query(
    `INSERT INTO customer_view (customer_id, status, tier, version, updated_at) VALUES ($1, 'ACTIVE', 'STANDARD', 1, now()) ON CONFLICT DO NOTHING`,
    [customer],
  );
  await client.query(
    `INSERT INTO variant_price_view (variant_id, product_id, variant_sku, currency, amount, tier_prices, initial_product_status, version, updated_at)
     VALUES ($1, $1, 'PGB-1', 'EUR', 1000, '[]', 'ACTIVE', 1, now()) ON CONFLICT DO NOTHING`,
    [variant],
  );
  await client.end();
  const script = join(tmpdir(), `${opts.namespace}-place-order.pgbench.sql`);
  writeFileSync(
    script,
    `\\set q random(1, 3)
BEGIN;
SELECT * FROM customer_view WHERE customer_id = '${customer}';
SELECT * FROM variant_price_view WHERE variant_id IN ('${variant}');
INSERT INTO "order" (id, customer_id, status, currency, subtotal_amount, shipping_amount, tax_amount, discount_amount, total_amount, customer_tier, placement_fingerprint, shipments, payment_captured, version, created_at, updated_at)
  VALUES (gen_random_uuid(), '${customer}', 'CREATED', 'EUR', 3000, 0, 0, 0, 3000, 'STANDARD', md5(random()::text), '[]', false, 1, now(), now())
  RETURNING id \\gset o_
INSERT INTO order_line (id, order_id, variant_id, quantity, unit_price_amount, discount_amount, position)
  VALUES (gen_random_uuid(), :o_id, '${variant}', :q, 1000, 0, 0), (gen_random_uuid(), :o_id, '${variant}', 2, 1000, 0, 1);
INSERT INTO outbox (event_id, event_type, schema_version, aggregate_type, aggregate_id, aggregate_version, occurred_at, payload, metadata)
  VALUES (gen_random_uuid(), 'OrderPlaced', 1, 'Order', :o_id, 1, now(), '{"lines": [{"variantId": "${variant}","quantity": 1},{"variantId": "${variant}","quantity": 2}],"total": {"amount": 3000,"currency": "EUR"}}', '{"correlationId": "c","causationId": null,"idempotencyKey": null,"actor": "customer"}');
INSERT INTO order_event (event_id, order_id, type, version, occurred_at, payload, actor)
  VALUES (gen_random_uuid(), :o_id, 'OrderPlaced', 1, now(), '{}', 'customer');
END;
`,
  );
  const seconds = Math.min(opts.duration, 15);
  const { stdout } = await promisify(execFile)("pgbench", [
    "-n",
    "-M",
    "prepared",
    "-c",
    String(opts.pgbenchClients),
    "-j",
    "2",
    "-T",
    String(seconds),
    "-f",
    script,
    url,
  ]).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
    if (error.code === "ENOENT") {
      console.log("  pgbench reference  pgbench is not installed (Debian: postgresql-contrib)");
      return { stdout: "" };
    }
    throw new Error(`pgbench failed: ${error.stderr ?? error.message}`);
  });
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
  if (!stdout) return;
  console.log(
    [
      `  pgbench reference  ${tps.toFixed(0)} TPS (the same transaction's SQL, ${opts.pgbenchClients} clients, ${seconds} s, scratch database)`,
      `  ratio              ${(result.ordersPerSecond / tps).toFixed(3)}× (placeOrder orders/s ÷ pgbench TPS)`,
    ].join("\n"),
  );
}
