import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type { Registry };

/**
 * Prometheus metrics, one registry per process, every series labelled with the process's
 * `service`. Names, units and labels follow Prometheus' conventions (seconds, `_total` for
 * counters) and stay bounded: no label ever carries free text such as an id or a message.
 * docs/operations.md lists them.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // process_*, nodejs_eventloop_lag_seconds, heap and GC figures.
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The `/metrics` answer: the text exposition format. */
export async function renderMetrics(
  registry: Registry,
): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Buckets for work that takes milliseconds to seconds (operations, consumer handlers, lag). */
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type ConsumerOutcome =
  | "applied"
  | "duplicate"
  | "unhandled"
  | "out_of_order"
  | "retried"
  | "waited"
  | "dead_lettered";

/** The event pipeline's own metrics (relays and consumers, in the workers process). */
export class PipelineMetrics {
  readonly outboxPublished: Counter<"context">;
  readonly relayLag: Histogram<"context">;
  readonly consumerEvents: Counter<"consumer" | "outcome">;
  readonly consumerDuration: Histogram<"consumer">;

  constructor(readonly registry: Registry) {
    this.outboxPublished = new Counter({
      name: "shopstream_outbox_published_total",
      help: "Outbox events the relay handed to the queues.",
      labelNames: ["context"],
      registers: [registry],
    });
    this.relayLag = new Histogram({
      name: "shopstream_outbox_relay_lag_seconds",
      help: "Time from an event's occurrence to its relay to the queues.",
      labelNames: ["context"],
      buckets: SECONDS,
      registers: [registry],
    });
    this.consumerEvents = new Counter({
      name: "shopstream_consumer_events_total",
      help: "Events a consumer took, by outcome.",
      labelNames: ["consumer", "outcome"],
      registers: [registry],
    });
    this.consumerDuration = new Histogram({
      name: "shopstream_consumer_duration_seconds",
      help: "Time a consumer spent applying one event (its whole transaction).",
      labelNames: ["consumer"],
      buckets: SECONDS,
      registers: [registry],
    });
  }

  published(context: string, occurredAt: string[], now = Date.now()): void {
    this.outboxPublished.inc({ context }, occurredAt.length);
    for (const at of occurredAt)
      this.relayLag.observe({ context }, Math.max(0, (now - Date.parse(at)) / 1000));
  }

  consumed(consumer: string, outcome: ConsumerOutcome, seconds?: number): void {
    this.consumerEvents.inc({ consumer, outcome });
    if (seconds !== undefined) this.consumerDuration.observe({ consumer }, seconds);
  }

  /**
   * Point-in-time gauges read when Prometheus scrapes (prom-client's `collect`), so the figures
   * are never stale and cost nothing between scrapes. A reader that fails leaves its gauge empty
   * for that scrape rather than failing the whole answer.
   */
  gauges(readers: {
    outbox?: () => Promise<{ context: string; pending: number; oldestSeconds: number }[]>;
    queues?: () => Promise<{ queue: string; state: string; jobs: number }[]>;
    deadLetters?: () => Promise<{ consumer: string; count: number }[]>;
  }): void {
    const { registry } = this;
    const readOutbox = readers.outbox;
    // One read serves both outbox gauges of one scrape.
    let reading: ReturnType<NonNullable<typeof readOutbox>> | null = null;
    const outboxRows = async () => {
      if (!readOutbox) return [];
      reading ??= readOutbox().finally(() => {
        setTimeout(() => {
          reading = null;
        }, 0);
      });
      return reading.catch(() => []);
    };
    new Gauge({
      name: "shopstream_outbox_pending",
      help: "Outbox events not yet relayed.",
      labelNames: ["context"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await outboxRows()) this.set({ context: r.context }, r.pending);
      },
    });
    new Gauge({
      name: "shopstream_outbox_oldest_pending_seconds",
      help: "Age of the oldest outbox event not yet relayed (0 when none waits).",
      labelNames: ["context"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await outboxRows()) this.set({ context: r.context }, r.oldestSeconds);
      },
    });
    if (readers.queues) {
      const read = readers.queues;
      new Gauge({
        name: "shopstream_queue_jobs",
        help: "Jobs in each consumer's queue, by state (waiting, active, delayed, failed).",
        labelNames: ["queue", "state"],
        registers: [registry],
        async collect() {
          this.reset();
          for (const r of await read().catch(() => []))
            this.set({ queue: r.queue, state: r.state }, r.jobs);
        },
      });
    }
    if (readers.deadLetters) {
      const read = readers.deadLetters;
      new Gauge({
        name: "shopstream_dead_letters",
        help: "Events in the dead-letter queue, by consumer.",
        labelNames: ["consumer"],
        registers: [registry],
        async collect() {
          this.reset();
          for (const r of await read().catch(() => [])) this.set({ consumer: r.consumer }, r.count);
        },
      });
    }
  }
}

/** `shopstream_up{dependency}`: 1 while a dependency answers, 0 when it does not (read at scrape). */
export function dependencyGauge(
  registry: Registry,
  checks: Record<string, () => Promise<void>>,
): void {
  new Gauge({
    name: "shopstream_up",
    help: "Whether a dependency (a database, Redis) answers: 1 yes, 0 no.",
    labelNames: ["dependency"],
    registers: [registry],
    async collect() {
      const results = await Promise.all(
        Object.entries(checks).map(async ([dependency, check]) => {
          try {
            await check();
            return [dependency, 1] as const;
          } catch {
            return [dependency, 0] as const;
          }
        }),
      );
      this.reset();
      for (const [dependency, up] of results) this.set({ dependency }, up);
    },
  });
}

/**
 * GraphQL operations as a service answers them. `operation` is the operation's first root field
 * (`placeOrder`, `products`): bounded by the schema, unlike client-chosen operation names, which
 * are free text. An operation that failed before any field was known counts as `(invalid)`.
 */
export class GraphqlMetrics {
  readonly duration: Histogram<"operation_name" | "operation_type" | "outcome">;
  readonly errors: Counter<"code">;

  constructor(readonly registry: Registry) {
    this.duration = new Histogram({
      name: "shopstream_graphql_operation_duration_seconds",
      help: "Time to answer a GraphQL operation, by its first root field, type and outcome.",
      labelNames: ["operation_name", "operation_type", "outcome"],
      buckets: SECONDS,
      registers: [registry],
    });
    this.errors = new Counter({
      name: "shopstream_graphql_errors_total",
      help: "GraphQL errors answered, by extensions.code.",
      labelNames: ["code"],
      registers: [registry],
    });
  }

  answered(
    operation: { name: string; type: string },
    seconds: number,
    errorCodes: readonly string[],
  ): void {
    this.duration.observe(
      {
        operation_name: operation.name,
        operation_type: operation.type,
        outcome: errorCodes.length === 0 ? "ok" : "error",
      },
      seconds,
    );
    for (const code of errorCodes) this.errors.inc({ code });
  }
}
