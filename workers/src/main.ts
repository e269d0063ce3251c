import { loadConfigOrExit } from "@shopstream/config";
import { CONTEXTS } from "@shopstream/db";
import { renderMetrics } from "@shopstream/metrics";
import { pingRedis, requireRedis } from "@shopstream/redis";
import { createLogger, runService, startHttpService } from "@shopstream/service";
import pg from "pg";
import { loadWorkersConfig } from "./config.ts";
import { consumerPoolPlans, createRegistry } from "./consumers.ts";
import { startConsumerRunner } from "./pipeline/consumer-runner.ts";
import { startPipelineMetrics } from "./pipeline/metrics.ts";
import { startRelay } from "./pipeline/relay.ts";
import { startScheduler } from "./pipeline/scheduler.ts";

/**
 * The workers process: one outbox relay per context and one queue worker per consumer
 * (WORKER_ROLES picks which), plus `/health` and `/ready`. Any number of these processes may run:
 * relays elect one leader per context, consumers share their queues.
 */
const config = loadConfigOrExit("workers", () => {
  const c = loadWorkersConfig();
  // Refuse to start when the pool size and the consumers' transactions disagree (ConfigError).
  consumerPoolPlans({ poolSize: c.databasePoolSize, transactions: c.consumerTransactions });
  return c;
});
const logger = createLogger("workers", config.logLevel);
await requireRedis("workers", config.redisUrl, { pipeline: true });

await runService(
  logger,
  async () => {
    const pools = Object.entries(config.databaseUrls).map(([context, url]) => {
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      // An idle client whose server went away (a PostgreSQL restart) emits 'error' on the pool;
      // unhandled, that event would end the process. The next readiness check reconnects.
      pool.on("error", (error) =>
        logger.warn("readiness connection lost", { context, error: error.message }),
      );
      return [context, pool] as const;
    });
    const readiness: Record<string, () => Promise<void>> = {
      redis: () => pingRedis(config.redisUrl),
    };
    for (const [context, pool] of pools) {
      readiness[`postgres:${context}`] = async () => void (await pool.query("SELECT 1"));
    }
    for (const [name, check] of Object.entries(readiness)) {
      await check().catch((error: unknown) => {
        throw new Error(
          `${name} unreachable: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }

    const registry = createRegistry(config.databaseUrls, {
      poolSize: config.databasePoolSize,
      transactions: config.consumerTransactions,
      inboxRetentionMs: config.inboxRetentionMs,
      reservationExpiryEveryMs: config.reservationExpiryEveryMs,
      paymentProviderUrl: config.paymentProviderUrl,
    });
    const observed = startPipelineMetrics({
      redisUrl: config.redisUrl,
      prefix: config.queuePrefix,
      consumers: registry.consumers,
      pools,
      readiness,
    });
    const relays = config.roles.relay
      ? CONTEXTS.map((context) =>
          startRelay({
            context,
            databaseUrl: config.databaseUrls[context],
            redisUrl: config.redisUrl,
            prefix: config.queuePrefix,
            consumers: registry.consumers,
            logger,
            pollIntervalMs: config.relayPollMs,
            batchSize: config.relayBatchSize,
            retentionMs: config.outboxRetentionMs,
            liveHistory: config.liveHistory,
            attempts: config.consumerAttempts,
            metrics: observed.metrics,
          }),
        )
      : [];
    const runner = config.roles.consumers
      ? startConsumerRunner({
          redisUrl: config.redisUrl,
          prefix: config.queuePrefix,
          consumers: registry.consumers,
          logger,
          concurrency: config.consumerConcurrency,
          transactions: registry.transactions,
          maxBatch: config.consumerMaxBatch,
          attempts: config.consumerAttempts,
          metrics: observed.metrics,
        })
      : undefined;
    await runner?.ready();
    const scheduler = config.roles.scheduler
      ? await startScheduler({
          redisUrl: config.redisUrl,
          prefix: config.queuePrefix,
          tasks: registry.tasks,
          logger,
        })
      : undefined;
    logger.info("workers started", {
      relays: relays.length,
      consumers: runner ? registry.consumers.map((c) => c.name) : [],
      pools: registry.plans,
      scheduled: scheduler ? registry.tasks.map((t) => t.name) : [],
    });
    const http = await startHttpService({
      name: "workers",
      port: config.port,
      host: config.host,
      logger,
      readiness,
      routes: (app) =>
        app.get("/metrics", async (_req, res) => {
          const { contentType, body } = await renderMetrics(observed.registry);
          res.type(contentType).send(body);
        }),
    });
    return {
      async stop() {
        await http.stop();
        await observed.close();
        await Promise.all(relays.map((r) => r.stop()));
        await runner?.stop(config.shutdownDeadlineMs);
        await scheduler?.stop();
        await registry.disconnect();
        await Promise.all(pools.map(([, pool]) => pool.end()));
      },
    };
  },
  { shutdownDeadlineMs: config.shutdownDeadlineMs + 5_000 },
);
