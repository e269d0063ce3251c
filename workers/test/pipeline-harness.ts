import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations, contextPaths, ensureDatabase } from "@shopstream/db";
import { defineConsumer, PermanentEventError } from "@shopstream/events";
import { createIdentityPrisma } from "@shopstream/identity";
import { newId } from "@shopstream/outbox";
import { pingRedis } from "@shopstream/redis";
import { createLogger } from "@shopstream/service";
import { freePort, freePortRange, TEST_SERVER_URL } from "@shopstream/testing";
import { pollUntil, waitFor } from "@shopstream/testing/kit";

export { freePort };

import pg from "pg";

/**
 * Test harness for the event pipeline: a throwaway database with the identity context's tables
 * (outbox, inbox, checkpoints), a `widget` projection whose state depends on event order, and
 * helpers to write events and wait for effects. Each test gets its own database and BullMQ
 * prefix, so tests never see each other's rows or queues.
 */

export const logger = createLogger(
  "pipeline-test",
  process.env.PIPELINE_TEST_LOG === "1" ? "debug" : "error",
);

export interface PipelineDb {
  url: string;
  pool: pg.Pool;
  prefix: string;
  drop(): Promise<void>;
}

export async function createPipelineDb(): Promise<PipelineDb> {
  const name = `shopstream_test_pipeline_${newId().replaceAll("-", "").slice(-12)}`;
  const server = new URL(TEST_SERVER_URL);
  server.pathname = `/${name}`;
  const url = server.toString();
  await ensureDatabase(url);
  await applyMigrations({
    connectionString: url,
    migrationsDir: contextPaths("identity").migrationsDir,
  });
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {}); // idle clients are terminated when the database is dropped
  await pool.query(`
    CREATE TABLE widget (id text PRIMARY KEY, total bigint NOT NULL, versions text NOT NULL);
    CREATE TABLE widget_effect (seq bigserial PRIMARY KEY, consumer text NOT NULL, event_id uuid NOT NULL,
      aggregate_id text NOT NULL, version int NOT NULL, occurred_at timestamptz NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp());`);
  return {
    url,
    pool,
    prefix: `t-${name.slice(-12)}`,
    async drop() {
      await pool.end();
      const admin = new pg.Client({ connectionString: TEST_SERVER_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export interface WidgetEventSpec {
  aggregateId: string;
  version: number;
  amount: number;
  poison?: boolean;
}

/** Writes events to the outbox as commands would: each call is one transaction. */
export async function writeEvents(
  pool: pg.Pool | pg.PoolClient,
  specs: WidgetEventSpec[],
): Promise<string[]> {
  const ids = specs.map(() => newId());
  const values: unknown[] = [];
  const tuples = specs.map((s, i) => {
    values.push(
      ids[i],
      s.aggregateId,
      s.version,
      JSON.stringify({ amount: s.amount, poison: s.poison ?? false }),
    );
    const o = i * 4;
    return `($${o + 1}::uuid, 'WidgetChanged', 1, 'Widget', $${o + 2}, $${o + 3}, clock_timestamp(), $${o + 4}::jsonb,
      '{"correlationId":"test","causationId":null,"idempotencyKey":null,"actor":"test"}'::jsonb)`;
  });
  await pool.query(
    `INSERT INTO outbox (event_id, event_type, schema_version, aggregate_type, aggregate_id, aggregate_version,
       occurred_at, payload, metadata) VALUES ${tuples.join(",")}`,
    values,
  );
  return ids;
}

/**
 * Writes version 1 of every chain in one transaction, then version 2, and so on, so neighbouring
 * outbox rows belong to different aggregates; with `everyMs`, one transaction every `everyMs`.
 */
export async function writeInterleaved(
  pool: pg.Pool,
  chains: WidgetEventSpec[][],
  everyMs = 0,
): Promise<void> {
  const start = performance.now();
  for (let v = 0; v < (chains[0]?.length ?? 0); v++) {
    await writeEvents(
      pool,
      chains.map((chain) => chain[v]!),
    );
    const next = start + (v + 1) * everyMs;
    if (everyMs > 0) await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
}

/** `aggregates` × `versions` events; each aggregate's versions are written in order. */
export function widgetSpecs(aggregates: number, versions: number, start = 1): WidgetEventSpec[][] {
  return Array.from({ length: aggregates }, () => {
    const aggregateId = newId();
    return Array.from({ length: versions }, (_, v) => ({
      aggregateId,
      version: start + v,
      amount: v + 1,
    }));
  });
}

/** The order-sensitive projection a serial replay of `specs` gives. */
export function serialReplay(
  specs: WidgetEventSpec[],
): Map<string, { total: number; versions: string }> {
  const state = new Map<string, { total: number; versions: string }>();
  for (const s of [...specs].sort((a, b) => a.version - b.version)) {
    const prev = state.get(s.aggregateId) ?? { total: 0, versions: "" };
    state.set(s.aggregateId, {
      total: prev.total + s.amount,
      versions: prev.versions ? `${prev.versions},${s.version}` : `${s.version}`,
    });
  }
  return state;
}

export interface WidgetConsumerOptions {
  name?: string;
  /** Fail (transiently) while this returns true for the event. */
  failWhen?: (payload: { poison: boolean }) => boolean;
  permanent?: boolean;
  /** Fail as a pool with no connection free does (Prisma's P2028) instead of as the handler. */
  unavailable?: boolean;
  handlerDelayMs?: number;
  /** Connections of the consumer's pool (default 24). */
  poolSize?: number;
}

/** A consumer following `Widget` events whose projection depends on applying them in order. */
export function widgetConsumer(db: PipelineDb, options: WidgetConsumerOptions = {}) {
  const prisma = createIdentityPrisma(db.url, { poolSize: options.poolSize ?? 24 });
  const name = options.name ?? "test.widget-projection";
  const consumer = defineConsumer({
    name,
    source: "identity",
    aggregateTypes: ["Widget"],
    handlers: {
      WidgetChanged: async (event, tx) => {
        const payload = event.payload as { amount: number; poison: boolean };
        if (options.handlerDelayMs) await new Promise((r) => setTimeout(r, options.handlerDelayMs));
        if (options.failWhen?.(payload)) {
          if (options.permanent) throw new PermanentEventError("widget rejected for good");
          if (options.unavailable)
            throw Object.assign(
              new Error("Transaction API error: Unable to start a transaction in the given time."),
              { code: "P2028" },
            );
          throw new Error("widget store temporarily unavailable");
        }
        await tx.$executeRawUnsafe(
          `INSERT INTO widget (id, total, versions) VALUES ($1, $2, $3::text)
           ON CONFLICT (id) DO UPDATE SET total = widget.total + $2, versions = widget.versions || ',' || $3::text`,
          event.aggregateId,
          payload.amount,
          String(event.aggregateVersion),
        );
        await tx.$executeRawUnsafe(
          `INSERT INTO widget_effect (consumer, event_id, aggregate_id, version, occurred_at)
           VALUES ($1, $2::uuid, $3, $4, $5::timestamptz)`,
          name,
          event.id,
          event.aggregateId,
          event.aggregateVersion,
          event.occurredAt,
        );
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
  return { consumer, disconnect: () => prisma.$disconnect() };
}

/** Waits until the projection holds exactly `count` effects (a minute by default: thousands of events). */
export function waitForEffects(db: PipelineDb, count: number, timeoutMs = 60_000): Promise<number> {
  return pollUntil(
    `${count} effects`,
    () => countEffects(db.pool),
    (n) => n === count,
    {
      timeoutMs,
    },
  );
}

export async function countEffects(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM widget_effect");
  return Number(rows[0]?.n ?? 0);
}

/** Effects applied twice for one event (must be none). */
export async function duplicateEffects(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM (SELECT event_id FROM widget_effect GROUP BY consumer, event_id HAVING count(*) > 1) d",
  );
  return Number(rows[0]?.n ?? 0);
}

/** Aggregates whose effects were not applied in version order 1, 2, 3, … */
export async function outOfOrderAggregates(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ aggregate_id: string; versions: number[] }>(
    "SELECT aggregate_id, array_agg(version ORDER BY seq) AS versions FROM widget_effect GROUP BY consumer, aggregate_id",
  );
  return rows.filter((r) => r.versions.some((v, i) => v !== i + 1)).map((r) => r.aggregate_id);
}

export async function widgetState(
  pool: pg.Pool,
): Promise<Map<string, { total: number; versions: string }>> {
  const { rows } = await pool.query<{ id: string; total: string; versions: string }>(
    "SELECT * FROM widget",
  );
  return new Map(rows.map((r) => [r.id, { total: Number(r.total), versions: r.versions }]));
}

/** A Redis server of the test's own (so it can be restarted), persisted with fsync on every write. */
export async function startPrivateRedis(opts: { policy?: string } = {}) {
  const port = await freePortRange(1);
  const url = `redis://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), "shopstream-redis-"));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--save",
        "",
        "--maxmemory-policy",
        opts.policy ?? "noeviction",
      ],
      { stdio: "ignore" },
    );
    await waitFor("redis-server to listen", () => pingRedis(url).then(() => true), {
      timeoutMs: 10_000,
    });
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  };
  await start();
  return {
    url,
    restart: async (downMs = 1000) => {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the relay in a child process (so a test can SIGKILL it). */
export function spawnRelayProcess(env: Record<string, string>): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", new URL("./fixtures/relay-process.ts", import.meta.url).pathname],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
}
