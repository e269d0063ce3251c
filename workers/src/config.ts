import { ConfigError, env, loadConfig, z } from "@shopstream/config";
import { CONTEXTS, type ContextName, contextDatabaseUrl, DEFAULT_POOL_SIZE } from "@shopstream/db";

const schema = z.object({
  PORT: env.port(4010),
  HOST: z.string().default("0.0.0.0"),
  REDIS_URL: env.redisUrl(),
  DATABASE_URL: env.postgresUrl().optional(),
  IDENTITY_DATABASE_URL: env.postgresUrl().optional(),
  CATALOGUE_DATABASE_URL: env.postgresUrl().optional(),
  ORDERING_DATABASE_URL: env.postgresUrl().optional(),
  INVENTORY_DATABASE_URL: env.postgresUrl().optional(),
  PAYMENTS_DATABASE_URL: env.postgresUrl().optional(),
  LOG_LEVEL: env.logLevel(),
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
  RELAY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(16),
  DATABASE_POOL_SIZE: env.poolSize(DEFAULT_POOL_SIZE),
  CONSUMER_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  OUTBOX_RETENTION_HOURS: z.coerce.number().min(0).default(168),
  LIVE_HISTORY: z.coerce.number().int().min(100).default(10_000),
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(0).default(10_000),
  RESERVATION_EXPIRY_EVERY_MS: z.coerce.number().int().min(100).default(15_000),
  PAYMENT_PROVIDER_URL: env.httpUrl().default("http://127.0.0.1:4020"),
});

/** Every environment variable this process reads. */
export const WORKERS_ENV_KEYS = Object.keys(schema.shape);

export interface WorkersConfig {
  port: number;
  host: string;
  redisUrl: string;
  databaseUrls: Record<ContextName, string>;
  logLevel: "debug" | "info" | "warn" | "error";
  roles: { relay: boolean; consumers: boolean; scheduler: boolean };
  queuePrefix: string;
  relayPollMs: number;
  relayBatchSize: number;
  consumerConcurrency: number;
  /**
   * Connections the consumers may open to each context's database: bounded on its own, not by
   * the concurrency (jobs beyond it wait for a connection; see DEFAULT_POOL_SIZE).
   */
  databasePoolSize: number;
  consumerAttempts: number;
  outboxRetentionMs: number;
  liveHistory: number;
  shutdownDeadlineMs: number;
  reservationExpiryEveryMs: number;
  paymentProviderUrl: string;
}

export function loadWorkersConfig(
  source: Record<string, string | undefined> = process.env,
): WorkersConfig {
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
    port: c.PORT,
    host: c.HOST,
    redisUrl: c.REDIS_URL,
    databaseUrls,
    logLevel: c.LOG_LEVEL,
    roles: {
      relay: roles.includes("relay"),
      consumers: roles.includes("consumers"),
      scheduler: roles.includes("scheduler"),
    },
    queuePrefix: c.QUEUE_PREFIX,
    relayPollMs: c.RELAY_POLL_MS,
    relayBatchSize: c.RELAY_BATCH_SIZE,
    consumerConcurrency: c.CONSUMER_CONCURRENCY,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    consumerAttempts: c.CONSUMER_ATTEMPTS,
    outboxRetentionMs: c.OUTBOX_RETENTION_HOURS * 3600 * 1000,
    liveHistory: c.LIVE_HISTORY,
    shutdownDeadlineMs: c.SHUTDOWN_DEADLINE_MS,
    reservationExpiryEveryMs: c.RESERVATION_EXPIRY_EVERY_MS,
    paymentProviderUrl: c.PAYMENT_PROVIDER_URL,
  };
}
