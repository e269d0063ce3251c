import type { Env, ServiceConfig } from "@shopstream/config";
import { ConfigError, env, loadConfig, serviceConfig, serviceEnv, z } from "@shopstream/config";
import { CONTEXTS, type ContextName, contextDatabaseUrl } from "@shopstream/db";

const schema = z.object({
  ...serviceEnv(4010),
  REDIS_URL: env.redisUrl(),
  DATABASE_URL: env.postgresUrl().optional(),
  IDENTITY_DATABASE_URL: env.postgresUrl().optional(),
  CATALOGUE_DATABASE_URL: env.postgresUrl().optional(),
  ORDERING_DATABASE_URL: env.postgresUrl().optional(),
  INVENTORY_DATABASE_URL: env.postgresUrl().optional(),
  PAYMENTS_DATABASE_URL: env.postgresUrl().optional(),
  WORKER_ROLES: z
    .string()
    .default("relay,consumers,scheduler")
    .refine(
      (v) => v.split(",").every((r) => ["relay", "consumers", "scheduler"].includes(r.trim())),
      {
        message: "must be a comma-separated list of relay, consumers, scheduler",
      },
    ),
  QUEUE_PREFIX: env.queuePrefix(),
  RELAY_POLL_MS: env.int(500, 10, 60_000),
  RELAY_BATCH_SIZE: env.int(500, 1, 5_000),
  CONSUMER_CONCURRENCY: env.int(64, 1, 1_000),
  CONSUMER_TRANSACTIONS: z.coerce.number().int().min(1).max(100).optional(),
  CONSUMER_MAX_BATCH: env.int(64, 1, 1_000),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).optional(),
  INBOX_RETENTION_MINUTES: z.coerce.number().min(0).default(60),
  CONSUMER_ATTEMPTS: env.int(8, 1, 100),
  OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).default(168),
  LIVE_HISTORY: env.int(10_000, 100),
  SHUTDOWN_DEADLINE_MS: env.int(10_000, 0),
  RESERVATION_EXPIRY_EVERY_MS: env.int(15_000, 100),
  PAYMENT_PROVIDER_URL: env.httpUrl().default("http://127.0.0.1:4020"),
});

/** Every environment variable this process reads. */
export const WORKERS_ENV_KEYS = Object.keys(schema.shape);

export interface WorkersConfig extends ServiceConfig {
  redisUrl: string;
  databaseUrls: Record<ContextName, string>;
  roles: { relay: boolean; consumers: boolean; scheduler: boolean };
  queuePrefix: string;
  relayPollMs: number;
  relayBatchSize: number;
  /** Jobs each consumer takes at once (applied in batches by its transactions). */
  consumerConcurrency: number;
  /**
   * Transactions each consumer holds open at once, and the connections of the workers' pool on
   * each context's database: derived from one another when one is unset, checked when both are
   * (see planPools in pipeline/pool-plan.ts).
   */
  consumerTransactions?: number;
  databasePoolSize?: number;
  /** Most events one consumer applies in one transaction. */
  consumerMaxBatch: number;
  /** Inbox rows of events older than this are pruned (the checkpoints still stop redeliveries). */
  inboxRetentionMs: number;
  consumerAttempts: number;
  outboxRetentionMs: number;
  liveHistory: number;
  shutdownDeadlineMs: number;
  reservationExpiryEveryMs: number;
  paymentProviderUrl: string;
}

export function loadWorkersConfig(source: Env = process.env): WorkersConfig {
  const c = loadConfig(schema, source);
  const databaseUrls = {} as Record<ContextName, string>;
  const missing: string[] = [];
  for (const context of CONTEXTS) {
    const own = c[`${context.toUpperCase()}_DATABASE_URL` as "IDENTITY_DATABASE_URL"];
    const url = own ?? (c.DATABASE_URL ? contextDatabaseUrl(c.DATABASE_URL, context) : undefined);
    if (url) databaseUrls[context] = url;
    else missing.push(context);
  }
  if (missing.length > 0) {
    throw new ConfigError([
      `DATABASE_URL: set DATABASE_URL (a PostgreSQL server) or <CONTEXT>_DATABASE_URL for ${missing.join(", ")}`,
    ]);
  }
  const roles = c.WORKER_ROLES.split(",").map((r) => r.trim());
  return {
    ...serviceConfig(c),
    redisUrl: c.REDIS_URL,
    databaseUrls,
    roles: {
      relay: roles.includes("relay"),
      consumers: roles.includes("consumers"),
      scheduler: roles.includes("scheduler"),
    },
    queuePrefix: c.QUEUE_PREFIX,
    relayPollMs: c.RELAY_POLL_MS,
    relayBatchSize: c.RELAY_BATCH_SIZE,
    consumerConcurrency: c.CONSUMER_CONCURRENCY,
    consumerTransactions: c.CONSUMER_TRANSACTIONS,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    consumerMaxBatch: c.CONSUMER_MAX_BATCH,
    inboxRetentionMs: c.INBOX_RETENTION_MINUTES * 60_000,
    consumerAttempts: c.CONSUMER_ATTEMPTS,
    outboxRetentionMs: c.OUTBOX_RETENTION_HOURS * 3600 * 1000,
    liveHistory: c.LIVE_HISTORY,
    shutdownDeadlineMs: c.SHUTDOWN_DEADLINE_MS,
    reservationExpiryEveryMs: c.RESERVATION_EXPIRY_EVERY_MS,
    paymentProviderUrl: c.PAYMENT_PROVIDER_URL,
  };
}
