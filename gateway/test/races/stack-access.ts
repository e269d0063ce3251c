import type { ContextName } from "@shopstream/db";
import type { DomainEvent } from "@shopstream/outbox";
import { newId } from "@shopstream/outbox";
import { signWebhook } from "@shopstream/payment-provider";
import type { Redis } from "@shopstream/redis";
import { createRedis } from "@shopstream/redis";
import {
  E2E_QUEUE_PREFIX,
  E2E_WEBHOOK_SECRET,
  e2eDatabaseUrl,
  TEST_REDIS_URL,
} from "@shopstream/testing";
import { pollUntil } from "@shopstream/testing/e2e-shop";
import { consumerQueueName, eventJobOptions, type OutboxRow, toEvent } from "@shopstream/workers";
import { Queue } from "bullmq";
import pg from "pg";

/**
 * What the race tests need beyond the public API, to act as the pipeline or the provider would:
 * the e2e stack's outbox rows (the events a context committed), its consumer queues (to deliver
 * an event again) and the payments webhook (to post a signed provider report). Reads only, apart
 * from those deliveries; every test owns the aggregates it looks at.
 */

const pools = new Map<ContextName, pg.Pool>();
const pool = (context: ContextName) => {
  let p = pools.get(context);
  if (!p) {
    p = new pg.Pool({ connectionString: e2eDatabaseUrl(context), max: 2 });
    pools.set(context, p);
  }
  return p;
};

let redis: Redis | undefined;
const queues = new Map<string, Queue>();

/** Closes what this module opened (call from afterAll). */
export async function closeStackAccess(): Promise<void> {
  await Promise.all([...queues.values()].map((q) => q.close()));
  queues.clear();
  redis?.disconnect();
  redis = undefined;
  await Promise.all([...pools.values()].map((p) => p.end()));
  pools.clear();
}

/**
 * Outbox rows read as the relay reads them, turned into the events it hands consumers. The
 * queries sort by `outbox.position`: a bare `position` would sort by the text output column.
 */
type OutboxEvent = DomainEvent<string, Record<string, unknown>>;
const OUTBOX_COLUMNS = `position::text, event_id, event_type, schema_version, aggregate_type,
  aggregate_id, aggregate_version, occurred_at, payload, metadata`;
const asEvents = (rows: OutboxRow[]) => rows.map(toEvent) as OutboxEvent[];

/** Events a context committed for one aggregate (optionally of one type), in version order. */
export async function outboxEvents(
  context: ContextName,
  aggregateId: string,
  type?: string,
): Promise<OutboxEvent[]> {
  const { rows } = await pool(context).query<OutboxRow>(
    `SELECT ${OUTBOX_COLUMNS}
     FROM outbox WHERE aggregate_id = $1 AND ($2::text IS NULL OR event_type = $2)
     ORDER BY aggregate_version, outbox.position`,
    [aggregateId, type ?? null],
  );
  return asEvents(rows);
}

/** Events a context committed whose payload names `key` = `value` (e.g. an order's reservations). */
export async function outboxEventsWith(
  context: ContextName,
  key: string,
  value: string,
): Promise<OutboxEvent[]> {
  const { rows } = await pool(context).query<OutboxRow>(
    `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE payload ->> $1 = $2 ORDER BY outbox.position`,
    [key, value],
  );
  return asEvents(rows);
}

/**
 * Delivers `event` to `consumer`'s queue once more, as a new BullMQ job (a job id of its own, so
 * BullMQ cannot drop it as a duplicate and only the consumer's own defences stand), and waits
 * until the workers processed it. Returns what the runner reported (`applied`,
 * `skipped-duplicate`, `skipped-unhandled`) or throws if the job failed.
 */
export async function deliverAgain(consumer: string, event: DomainEvent): Promise<string> {
  redis ??= createRedis(TEST_REDIS_URL);
  const name = consumerQueueName(consumer);
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: redis, prefix: E2E_QUEUE_PREFIX });
    queues.set(name, queue);
  }
  const jobId = `redelivery-${newId()}`;
  await queue.add(event.type, event, { ...eventJobOptions(jobId), attempts: 1 });
  const q = queue;
  // The state first, then the job: a job read before it completed has no return value yet.
  const state = await pollUntil(
    `the redelivered ${event.type} on ${name}`,
    () => q.getJobState(jobId),
    (s) => s === "completed" || s === "failed",
    { timeoutMs: 15_000, intervalMs: 50 },
  );
  const job = await q.getJob(jobId);
  if (state === "failed") throw new Error(`redelivery failed: ${job?.failedReason}`);
  return String(job?.returnvalue);
}

export type ProviderReport =
  | { id: string; type: "payment.succeeded"; paymentId: string; attempt: number }
  | { id: string; type: "payment.failed"; paymentId: string; attempt: number; reason: string }
  | { id: string; type: "refund.completed"; paymentId: string; refundId: string };

/**
 * Posts a provider report to payments' webhook, signed as the simulated provider signs it, with
 * the secret the e2e stack was given. Returns the HTTP status and the body.
 */
export async function postProviderReport(
  paymentsUrl: string,
  report: ProviderReport,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const raw = JSON.stringify(report);
  const res = await fetch(`${paymentsUrl}/webhooks/payments`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopstream-signature": signWebhook(E2E_WEBHOOK_SECRET, raw, Math.floor(Date.now() / 1000)),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
