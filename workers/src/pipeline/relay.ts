import type { ContextName } from "@shopstream/db";
import type { EventConsumer } from "@shopstream/events";
import { appendLive, DEFAULT_LIVE_HISTORY } from "@shopstream/live";
import type { PipelineMetrics } from "@shopstream/metrics";
import type { DomainEvent, EventMetadata } from "@shopstream/outbox";
import { createRedis } from "@shopstream/redis";
import type { Logger } from "@shopstream/service";
import { Queue } from "bullmq";
import pg from "pg";
import { backoffDelay } from "./backoff.ts";
import { DEFAULT_ATTEMPTS, eventJobOptions } from "./job-options.ts";
import { consumerQueueName } from "./names.ts";

export interface RelayOptions {
  context: ContextName;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /** Every consumer of every context; the relay routes to those whose source is its context. */
  consumers: Pick<EventConsumer, "name" | "source" | "aggregateTypes">[];
  logger: Logger;
  batchSize?: number;
  /** Fallback poll when no NOTIFY arrives (missed notifications, PGlite). */
  pollIntervalMs?: number;
  /** Published rows older than this are deleted. */
  retentionMs?: number;
  liveHistory?: number;
  attempts?: number;
  /** Counts what was relayed and how late (`shopstream_outbox_*`). */
  metrics?: Pick<PipelineMetrics, "published">;
}

export interface Relay {
  /** Resolves once the relay stopped (after finishing the batch in hand). */
  stop(): Promise<void>;
  /** Number of events handed to BullMQ so far by this process. */
  readonly published: number;
}

/** An outbox row as the relay reads it (`position` as text: a bigint). */
export interface OutboxRow {
  position: string;
  event_id: string;
  event_type: string;
  schema_version: number;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  occurred_at: Date;
  payload: unknown;
  metadata: EventMetadata;
}

/** Key of the per-context advisory lock that elects the one active relay. */
const leaderLockKey = (context: string) => `shopstream.outbox-relay.${context}`;

export const DEFAULT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The outbox relay of one context.
 *
 * - Several relay processes may run; a session advisory lock elects one leader per context, the
 *   others wait to take over. One active relay keeps each aggregate's events in commit order.
 * - It claims unpublished rows by `published_at IS NULL`, never by a position watermark: a row
 *   whose transaction commits after a later-positioned row is simply found on a later pass.
 * - For each row it adds one BullMQ job per consumer following the row's aggregate type, with job
 *   id = event id (a re-relayed row after a crash is dropped by BullMQ while the job exists, and by
 *   the consumer's inbox after that), appends the event to the live stream, and only then marks
 *   the rows published and commits. A crash anywhere before the commit means the rows are relayed
 *   again: at-least-once here, at-most-once in effect at the consumers.
 * - It wakes on LISTEN/NOTIFY (`outbox_inserted`, sent by a trigger at commit) and polls as a
 *   fallback.
 */
export function startRelay(options: RelayOptions): Relay {
  const log = options.logger;
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollIntervalMs ?? 500;
  const retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const routes = options.consumers.filter((c) => c.source === options.context);
  // Producers should fail fast while Redis is away (the batch rolls back and is retried),
  // rather than queue commands offline.
  const redis = createRedis(options.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  const queues = new Map(
    routes.map((c) => [
      c.name,
      new Queue(consumerQueueName(c.name), { connection: redis, prefix: options.prefix }),
    ]),
  );
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  pool.on("error", () => {});

  let running = true;
  let published = 0;
  let wake: (() => void) | undefined;
  // Set by NOTIFY; a notification that arrives mid-pass must not be lost to the next sleep.
  let notified = false;
  let listener: pg.Client | undefined;
  let lastCleanup = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (notified || !running) {
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** Connects the listening session and takes the leader lock; false while another relay leads. */
  async function becomeLeader(): Promise<boolean> {
    if (listener) return true;
    const client = new pg.Client({ connectionString: options.databaseUrl });
    client.on("error", () => {});
    await client.connect();
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_lock(hashtext($1)) AS locked",
      [leaderLockKey(options.context)],
    );
    if (!rows[0]?.locked) {
      await client.end().catch(() => {});
      return false;
    }
    client.on("notification", () => {
      notified = true;
      wake?.();
    });
    client.on("end", () => {
      if (listener === client) listener = undefined;
    });
    await client.query("LISTEN outbox_inserted");
    listener = client;
    log.info("relay leading", { context: options.context });
    return true;
  }

  async function publishBatch(): Promise<number> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      // `outbox.position`, the bigint: a bare `position` names the text output column, which
      // sorts 10 before 9 and would publish a batch out of order.
      const { rows } = await client.query<OutboxRow>(
        `SELECT position::text, event_id, event_type, schema_version, aggregate_type, aggregate_id,
                aggregate_version, occurred_at, payload, metadata
         FROM outbox WHERE published_at IS NULL
         ORDER BY outbox.position LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) {
        await client.query("COMMIT");
        return 0;
      }
      const events = rows.map((r) => ({ position: r.position, event: toEvent(r) }));
      for (const consumer of routes) {
        const jobs = events
          .filter(({ event }) => consumer.aggregateTypes.includes(event.aggregateType))
          .map(({ event }) => ({
            name: event.type,
            data: event,
            opts: eventJobOptions(event.id, attempts),
          }));
        // addBulk is one atomic MULTI per queue.
        if (jobs.length > 0) await queues.get(consumer.name)!.addBulk(jobs);
      }
      const multi = redis.multi();
      appendLive(
        multi,
        options.prefix,
        options.context,
        events,
        options.liveHistory ?? DEFAULT_LIVE_HISTORY,
      );
      await multi.exec();
      await client.query(
        "UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])",
        [rows.map((r) => r.position)],
      );
      await client.query("COMMIT");
      published += rows.length;
      options.metrics?.published(
        options.context,
        events.map(({ event }) => event.occurredAt),
      );
      return rows.length;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async function cleanup(): Promise<void> {
    if (Date.now() - lastCleanup < 60_000) return;
    lastCleanup = Date.now();
    const { rowCount } = await pool.query(
      "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - ($1 || ' milliseconds')::interval",
      [String(retentionMs)],
    );
    if (rowCount)
      log.info("outbox rows past retention deleted", { context: options.context, rows: rowCount });
  }

  const loop = (async () => {
    let failures = 0;
    while (running) {
      try {
        if (!(await becomeLeader())) {
          await sleep(pollMs * 2);
          continue;
        }
        notified = false;
        const count = await publishBatch();
        failures = 0;
        if (count > 0) log.debug("relayed", { context: options.context, count });
        if (count < batchSize) {
          await cleanup();
          await sleep(pollMs);
        }
      } catch (error) {
        failures++;
        const delay = backoffDelay(failures, { baseMs: 100, capMs: 5_000 });
        log.warn("relay pass failed; retrying", {
          context: options.context,
          error: error instanceof Error ? error.message : String(error),
          retryInMs: delay,
        });
        if (listener && !(await alive(listener))) {
          await listener.end().catch(() => {});
          listener = undefined;
        }
        await sleep(delay);
      }
    }
  })();

  return {
    get published() {
      return published;
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      await listener?.end().catch(() => {});
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis.disconnect();
      await pool.end();
    },
  };
}

async function alive(client: pg.Client): Promise<boolean> {
  try {
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

/** The event a row holds, as the relay hands it to consumers (tests redeliver it the same way). */
export function toEvent(row: OutboxRow): DomainEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    schemaVersion: row.schema_version,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    occurredAt: row.occurred_at.toISOString(),
    payload: row.payload,
    metadata: row.metadata,
  };
}
