import type { ContextName } from "@shopstream/db";
import type { DomainEvent } from "@shopstream/outbox";
import { newId } from "@shopstream/outbox";
import { signWebhook } from "@shopstream/payment-provider";
import {
  E2E_QUEUE_PREFIX,
  E2E_WEBHOOK_SECRET,
  e2eDatabaseUrl,
  TEST_REDIS_URL,
} from "@shopstream/testing";
import { pollUntil } from "@shopstream/testing/src/race-shop.ts";
import { eventJobOptions } from "@shopstream/workers/src/pipeline/job-options.ts";
import { consumerQueueName } from "@shopstream/workers/src/pipeline/names.ts";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
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

interface OutboxRow {
  event_id: string;
  event_type: string;
  schema_version: number;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  occurred_at: Date;
  payload: Record<string, unknown>;
  metadata: DomainEvent["metadata"];
}

/** The row as the relay hands it to consumers (workers/src/pipeline/relay.ts, `toEvent`). */
const toEvent = (r: OutboxRow): DomainEvent<string, Record<string, unknown>> => ({
  id: r.event_id,
  type: r.event_type,
  schemaVersion: r.schema_version,
  aggregateType: r.aggregate_type,
  aggregateId: r.aggregate_id,
  aggregateVersion: r.aggregate_version,
  occurredAt: r.occurred_at.toISOString(),
  payload: r.payload,
  metadata: r.metadata,
});

/** Events a context committed for one aggregate (optionally of one type), in version order. */
export async function outboxEvents(
  context: ContextName,
  aggregateId: string,
  type?: string,
): Promise<DomainEvent<string, Record<string, unknown>>[]> {
  const { rows } = await pool(context).query<OutboxRow>(
    `SELECT event_id, event_type, schema_version, aggregate_type, aggregate_id, aggregate_version,
            occurred_at, payload, metadata
     FROM outbox WHERE aggregate_id = $1 AND ($2::text IS NULL OR event_type = $2)
     ORDER BY aggregate_version, position`,
    [aggregateId, type ?? null],
  );
  return rows.map(toEvent);
}

/** Events a context committed whose payload names `key` = `value` (e.g. an order's reservations). */
export async function outboxEventsWith(
  context: ContextName,
  key: string,
  value: string,
): Promise<DomainEvent<string, Record<string, unknown>>[]> {
  const { rows } = await pool(context).query<OutboxRow>(
    `SELECT event_id, event_type, schema_version, aggregate_type, aggregate_id, aggregate_version,
            occurred_at, payload, metadata
     FROM outbox WHERE payload ->> $1 = $2 ORDER BY position`,
    [key, value],
  );
  return rows.map(toEvent);
}

/**
 * Delivers `event` to `consumer`'s queue once more, as a new BullMQ job (a job id of its own, so
 * BullMQ cannot drop it as a duplicate and only the consumer's own defences stand), and waits
 * until the workers processed it. Returns what the runner reported (`applied`,
 * `skipped-duplicate`, `skipped-unhandled`) or throws if the job failed.
 */
export async function deliverAgain(consumer: string, event: DomainEvent): Promise<string> {
  redis ??= new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const name = consumerQueueName(consumer);
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: redis, prefix: E2E_QUEUE_PREFIX });
    queues.set(name, queue);
  }
  const jobId = `redelivery-${newId()}`;
  await queue.add(event.type, event, { ...eventJobOptions(jobId), attempts: 1 });
  const q = queue;
  return pollUntil(
    `the redelivered ${event.type} on ${name}`,
    async () => {
      // The state first, then the job: a job read before it completed has no return value yet.
      const state = await q.getJobState(jobId);
      if (state !== "completed" && state !== "failed") return null;
      const job = await q.getJob(jobId);
      if (state === "failed") throw new Error(`redelivery failed: ${job?.failedReason}`);
      return String(job?.returnvalue);
    },
    { timeoutMs: 15_000, intervalMs: 50 },
  );
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
