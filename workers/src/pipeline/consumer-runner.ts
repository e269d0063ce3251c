import { isDatabaseUnavailable } from "@shopstream/db";
import {
  applyEvents,
  type EventConsumer,
  OutOfOrderError,
  PermanentEventError,
} from "@shopstream/events";
import type { PipelineMetrics } from "@shopstream/metrics";
import type { DomainEvent } from "@shopstream/outbox";
import { createRedis } from "@shopstream/redis";
import type { Logger } from "@shopstream/service";
import { DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { backoffDelay } from "./backoff.ts";
import { type DeadLetter, deadLetterJobId } from "./dead-letters.ts";
import { EventBatcher } from "./event-batcher.ts";
import { DEFAULT_ATTEMPTS } from "./job-options.ts";
import { consumerQueueName, DEAD_LETTER_QUEUE } from "./names.ts";

export interface ConsumerRunnerOptions {
  redisUrl: string;
  /** BullMQ key prefix; tests use their own to stay isolated. */
  prefix: string;
  consumers: EventConsumer[];
  logger: Logger;
  /**
   * Jobs taken at once per consumer (events of one aggregate still apply in order); they are
   * applied in batches by at most `transactions` transactions.
   */
  concurrency?: number;
  /**
   * Transactions each consumer may hold open at once, by consumer name or one number for all
   * (default 2): its share of its database's pool, so a job never waits for a connection.
   */
  transactions?: number | Record<string, number>;
  /** Most events applied in one transaction (default 64). */
  maxBatch?: number;
  /** Attempts before an event is dead-lettered. */
  attempts?: number;
  backoff?: { baseMs: number; capMs: number };
  /** How long an event that arrived ahead of its predecessor waits before it is tried again. */
  outOfOrderDelayMs?: number;
  /** How long such an event may keep waiting before it is dead-lettered (default 10 min). */
  outOfOrderTimeoutMs?: number;
  /**
   * How long an event waits before it is tried again when the consumer's database was away or
   * had no connection free (default 1 s, with jitter). Such a wait spends no attempt.
   */
  unavailableDelayMs?: number;
  /** Counts each event's outcome and time per consumer (`shopstream_consumer_*`). */
  metrics?: Pick<PipelineMetrics, "consumed">;
  /** BullMQ lock/stall settings (defaults 30 s); tests shorten them to see recovery quickly. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface ConsumerRunner {
  /** Resolves once every consumer's worker is connected and taking jobs. */
  ready(): Promise<void>;
  /** Finishes in-flight jobs (up to `deadlineMs`), then disconnects. */
  stop(deadlineMs?: number): Promise<void>;
}

export const DEFAULT_TRANSACTIONS = 2;
export const DEFAULT_MAX_BATCH = 64;
export const DEFAULT_CONCURRENCY = 64;

/** Starts one BullMQ worker per consumer, each on the consumer's own queue. */
export function startConsumerRunner(options: ConsumerRunnerOptions): ConsumerRunner {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const backoff = options.backoff ?? { baseMs: 200, capMs: 30_000 };
  const connection = createRedis(options.redisUrl);
  const deadLetters = new Queue<DeadLetter>(DEAD_LETTER_QUEUE, {
    connection,
    prefix: options.prefix,
  });
  const log = options.logger;

  const transactionsOf = (consumer: EventConsumer) =>
    typeof options.transactions === "number"
      ? options.transactions
      : (options.transactions?.[consumer.name] ?? DEFAULT_TRANSACTIONS);
  const batchers = new Map(
    options.consumers.map((c) => [
      c.name,
      new EventBatcher(c, {
        transactions: transactionsOf(c),
        maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
      }),
    ]),
  );

  const workers = options.consumers.map((consumer) => {
    const batcher = batchers.get(consumer.name)!;
    const worker = new Worker<DomainEvent>(
      consumerQueueName(consumer.name),
      async (job: Job<DomainEvent>, token?: string) => {
        const event = job.data;
        const started = performance.now();
        const count = (outcome: Parameters<PipelineMetrics["consumed"]>[1]) =>
          options.metrics?.consumed(consumer.name, outcome, (performance.now() - started) / 1000);
        try {
          const outcome = await batcher.submit(event);
          log.debug("event consumed", { consumer: consumer.name, eventId: event.id, outcome });
          count(
            outcome === "applied"
              ? "applied"
              : outcome === "skipped-duplicate"
                ? "duplicate"
                : "unhandled",
          );
          return outcome;
        } catch (error) {
          const waitedTooLong =
            error instanceof OutOfOrderError &&
            Date.now() - job.timestamp > (options.outOfOrderTimeoutMs ?? 10 * 60_000);
          if (error instanceof OutOfOrderError && !waitedTooLong) {
            // Not a failure: wait for the predecessor without spending an attempt.
            count("out_of_order");
            await job.moveToDelayed(Date.now() + (options.outOfOrderDelayMs ?? 100), token);
            throw new DelayedError();
          }
          if (isDatabaseUnavailable(error)) {
            // Not the event's fault either: the database restarted, refused a connection, or the
            // pool had none free in time. Wait and try again without spending an attempt, so a
            // busy or restarting database never sends events to the dead-letter queue.
            const base = options.unavailableDelayMs ?? 1000;
            const delay = backoffDelay(1, { baseMs: base, capMs: base });
            log.warn("database unavailable; event will be retried", {
              consumer: consumer.name,
              eventId: event.id,
              retryInMs: delay,
              error: error instanceof Error ? error.message : String(error),
            });
            count("waited");
            await job.moveToDelayed(Date.now() + delay, token);
            throw new DelayedError();
          }
          // A predecessor that never comes (dead-lettered, or older than the outbox retention when
          // a consumer is added later) would keep this event waiting forever: after the timeout it
          // is dead-lettered so an operator sees it.
          const permanent =
            waitedTooLong ||
            error instanceof PermanentEventError ||
            error instanceof UnrecoverableError;
          const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? attempts);
          const message = error instanceof Error ? error.message : String(error);
          log.warn("event failed", {
            consumer: consumer.name,
            eventId: event.id,
            attempt: job.attemptsMade + 1,
            final,
            error: message,
          });
          count(final ? "dead_lettered" : "retried");
          if (final) {
            // Recorded before the job is marked failed: a crash in between leaves the event in
            // both places, and the inbox makes a replay of either harmless.
            await deadLetters.add(
              consumer.name,
              {
                consumer: consumer.name,
                event,
                error: message,
                attempts: job.attemptsMade + 1,
                failedAt: new Date().toISOString(),
              },
              {
                jobId: deadLetterJobId(consumer.name, event.id),
                removeOnComplete: true,
                removeOnFail: false,
              },
            );
            if (!permanent) throw new UnrecoverableError(message);
          }
          throw error;
        }
      },
      {
        connection: createRedis(options.redisUrl),
        prefix: options.prefix,
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        ...(options.lockDurationMs ? { lockDuration: options.lockDurationMs } : {}),
        ...(options.stalledIntervalMs ? { stalledInterval: options.stalledIntervalMs } : {}),
        settings: {
          backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, backoff),
        },
      },
    );
    worker.on("error", (error) =>
      log.warn("worker error", { consumer: consumer.name, error: error.message }),
    );
    return worker;
  });

  return {
    async ready() {
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      // Open each consumer's connections and run its statements once before the first event, so
      // connecting and Prisma's first-query work do not show up as lag on the first events.
      await Promise.all(
        options.consumers.flatMap((c) =>
          Array.from({ length: transactionsOf(c) }, () => applyEvents(c, [])),
        ),
      );
    },
    async stop(deadlineMs = 10_000) {
      const closing = Promise.all(workers.map((w) => w.close()));
      const timedOut = await Promise.race([
        closing.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deadlineMs).unref()),
      ]);
      if (timedOut) {
        log.warn("in-flight jobs did not finish before the deadline; forcing close", {
          deadlineMs,
        });
        await Promise.all(workers.map((w) => w.close(true)));
      }
      await deadLetters.close();
      connection.disconnect();
    },
  };
}
