import { createMetricsRegistry, dependencyGauge, PipelineMetrics } from "@shopstream/metrics";
import { createRedis } from "@shopstream/redis";
import { Queue } from "bullmq";
import type pg from "pg";
import { DeadLetters } from "./dead-letters.ts";
import { consumerQueueName } from "./names.ts";

/** The queue states an operator watches: work waiting, in hand, postponed, given up. */
const STATES = ["waiting", "active", "delayed", "failed"] as const;

/**
 * The workers' metrics: counters and histograms the relays and consumers update as they work,
 * and gauges read at scrape time — each context's outbox depth and oldest pending event, each
 * consumer queue's jobs by state, dead letters by consumer, and whether each dependency answers.
 */
export function startPipelineMetrics(options: {
  redisUrl: string;
  prefix: string;
  consumers: { name: string }[];
  pools: (readonly [string, pg.Pool])[];
  readiness: Record<string, () => Promise<void>>;
}) {
  const registry = createMetricsRegistry("workers");
  const metrics = new PipelineMetrics(registry);
  const connection = createRedis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const queues = options.consumers.map(
    (c) =>
      [
        c.name,
        new Queue(consumerQueueName(c.name), { connection, prefix: options.prefix }),
      ] as const,
  );
  const deadLetters = new DeadLetters(connection, options.prefix);
  metrics.gauges({
    outbox: () =>
      Promise.all(
        options.pools.map(async ([context, pool]) => {
          const { rows } = await pool.query<{ pending: string; oldest: number | null }>(
            `SELECT count(*) AS pending,
                    extract(epoch FROM now() - min(occurred_at))::float8 AS oldest
             FROM outbox WHERE published_at IS NULL`,
          );
          return {
            context,
            pending: Number(rows[0]?.pending ?? 0),
            oldestSeconds: Math.max(0, rows[0]?.oldest ?? 0),
          };
        }),
      ),
    queues: async () =>
      (
        await Promise.all(
          queues.map(async ([name, queue]) => {
            const counts = await queue.getJobCounts(...STATES);
            return STATES.map((state) => ({ queue: name, state, jobs: counts[state] ?? 0 }));
          }),
        )
      ).flat(),
    deadLetters: async () => {
      const byConsumer = new Map(options.consumers.map((c) => [c.name, 0]));
      for (const entry of await deadLetters.list(1000))
        byConsumer.set(entry.consumer, (byConsumer.get(entry.consumer) ?? 0) + 1);
      return [...byConsumer].map(([consumer, count]) => ({ consumer, count }));
    },
  });
  dependencyGauge(registry, options.readiness);
  return {
    registry,
    metrics,
    async close() {
      await Promise.all(queues.map(([, q]) => q.close()));
      await deadLetters.close();
      connection.disconnect();
    },
  };
}
