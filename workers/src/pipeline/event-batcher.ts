import {
  type ApplyOutcome,
  applyEvents,
  type BatchResult,
  type EventConsumer,
} from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";

export interface EventBatcherOptions {
  /** Transactions this consumer may hold open at once: its share of the database pool. */
  transactions: number;
  /** Most events applied in one transaction. */
  maxBatch: number;
  /**
   * A transaction should take this long at most (default 2 s): the batch halves past it and
   * doubles under half of it, inside Prisma's interactive-transaction timeout (5 s) whatever the
   * handlers cost, on a loaded machine too.
   */
  targetMs?: number;
}

interface Pending {
  event: DomainEvent;
  key: string;
  resolve(outcome: ApplyOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit for one consumer: the queue worker hands each job's event to `submit`, and the
 * batcher applies whatever has gathered meanwhile in one transaction (applyEvents), with at most
 * `transactions` of them open at once. When the consumer keeps up, an event goes alone and at
 * once; under load the queue grows while transactions run, and the next transaction takes up to
 * `maxBatch` events — so the cost per event falls as the rate rises instead of the pool running
 * out (BullMQ's open-source worker has no batches, hence this small layer).
 *
 * An aggregate with events in a running transaction is not put in another one until it ends:
 * its next version would only find the checkpoint locked and arrive out of order.
 */
export class EventBatcher {
  private queue: Pending[] = [];
  private running = 0;
  private busy = new Set<string>();
  /** Events the next transaction may take: doubles while transactions stay short, halves else. */
  private cap = 4;

  constructor(
    private readonly consumer: EventConsumer,
    private readonly options: EventBatcherOptions,
  ) {}

  submit(event: DomainEvent): Promise<ApplyOutcome> {
    return new Promise<ApplyOutcome>((resolve, reject) => {
      this.queue.push({
        event,
        key: `${event.aggregateType}\u0000${event.aggregateId}`,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.options.transactions && this.queue.length > 0) {
      const batch: Pending[] = [];
      const taken = new Set<string>();
      const rest: Pending[] = [];
      for (const p of this.queue) {
        const free = !this.busy.has(p.key) || taken.has(p.key);
        if (free && batch.length < this.cap) {
          batch.push(p);
          taken.add(p.key);
        } else rest.push(p);
      }
      if (batch.length === 0) return;
      this.queue = rest;
      for (const key of taken) this.busy.add(key);
      this.running++;
      void this.flush(batch).finally(() => {
        this.running--;
        for (const key of taken) this.busy.delete(key);
        this.pump();
      });
    }
  }

  /** Grows the batch while transactions finish well inside the target, shrinks it past it. */
  private adapt(ms: number, size: number): void {
    const target = this.options.targetMs ?? 2_000;
    if (ms > target) this.cap = Math.max(1, Math.floor(this.cap / 2));
    else if (ms < target / 2 && size >= this.cap)
      this.cap = Math.min(this.options.maxBatch, this.cap * 2);
  }

  private async flush(batch: Pending[]): Promise<void> {
    let results: BatchResult[];
    const started = performance.now();
    try {
      results = await applyEvents(
        this.consumer,
        batch.map((p) => p.event),
      );
      this.adapt(performance.now() - started, batch.length);
    } catch (error) {
      this.adapt(performance.now() - started, batch.length);
      if (batch.length === 1) {
        for (const p of batch) p.reject(error);
        return;
      }
      // One event's handler failed, or the batch outlived its transaction, and took the batch's
      // transaction with it: apply each event on its own, in order, so that only a faulty one
      // fails (and retries or dead-letters) and a slow batch does not fail again as a whole.
      const inVersionOrder = [...batch].sort(
        (a, b) => a.event.aggregateVersion - b.event.aggregateVersion,
      );
      for (const p of inVersionOrder) {
        try {
          const [result] = await applyEvents(this.consumer, [p.event]);
          settle(p, result);
        } catch (single) {
          p.reject(single);
        }
      }
      return;
    }
    for (const [i, p] of batch.entries()) settle(p, results[i]);
  }
}

function settle(p: Pending, result: BatchResult | undefined): void {
  if (!result) p.reject(new Error(`no result for event ${p.event.id}`));
  else if ("error" in result) p.reject(result.error);
  else p.resolve(result.outcome);
}
