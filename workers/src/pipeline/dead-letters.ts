import type { DomainEvent } from "@shopstream/outbox";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { eventJobOptions } from "./job-options.ts";
import { consumerQueueName, DEAD_LETTER_QUEUE } from "./names.ts";

/** An event a consumer could not apply, with why; kept until replayed or discarded. */
export interface DeadLetter {
  consumer: string;
  event: DomainEvent;
  error: string;
  attempts: number;
  failedAt: string;
}

export const deadLetterJobId = (consumer: string, eventId: string) => `${consumer}__${eventId}`;

export interface DeadLetterEntry extends DeadLetter {
  id: string;
}

/**
 * Operator access to the dead-letter queue: list, inspect, replay (re-queue the event for its
 * consumer, whose inbox makes a replay of an applied event harmless) and discard.
 */
export class DeadLetters {
  readonly #queue: Queue<DeadLetter>;
  readonly #connection: Redis;
  readonly #prefix: string;

  constructor(connection: Redis, prefix: string) {
    this.#connection = connection;
    this.#prefix = prefix;
    this.#queue = new Queue<DeadLetter>(DEAD_LETTER_QUEUE, { connection, prefix });
  }

  async list(limit = 100): Promise<DeadLetterEntry[]> {
    const jobs = await this.#queue.getJobs(["waiting", "delayed"], 0, limit - 1, true);
    return jobs.filter((j) => j?.id).map((j) => ({ id: j.id!, ...j.data }));
  }

  async get(id: string): Promise<DeadLetterEntry | null> {
    const job = await this.#queue.getJob(id);
    return job ? { id, ...job.data } : null;
  }

  /** Re-queues the event under a fresh job id (the original id may still exist as a failed job). */
  async replay(id: string): Promise<DeadLetterEntry | null> {
    const job = await this.#queue.getJob(id);
    if (!job) return null;
    const { consumer, event } = job.data;
    const target = new Queue(consumerQueueName(consumer), {
      connection: this.#connection,
      prefix: this.#prefix,
    });
    try {
      await target.add(event.type, event, eventJobOptions(`${event.id}__replay__${Date.now()}`));
    } finally {
      await target.close();
    }
    await job.remove();
    return { id, ...job.data };
  }

  async discard(id: string): Promise<boolean> {
    const job = await this.#queue.getJob(id);
    if (!job) return false;
    await job.remove();
    return true;
  }

  close(): Promise<void> {
    return this.#queue.close();
  }
}
