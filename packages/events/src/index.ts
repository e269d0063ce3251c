import type { ContextName } from "@shopstream/db";
import type { DomainEvent } from "@shopstream/outbox";
import { z } from "zod";

/**
 * What a consumer's transaction client must offer: every Prisma transaction client does. The
 * runner records the inbox row and the per-aggregate checkpoint through it, so they commit or
 * roll back together with the handler's own writes.
 */
export interface ConsumerTransaction {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export type EventHandler<Tx extends ConsumerTransaction> = (
  event: DomainEvent,
  tx: Tx,
) => Promise<void>;

/**
 * A consumer, declared by the context that owns its effect. It receives every event of the
 * aggregate types it follows, in aggregate-version order and at most once in effect; events
 * whose type has no handler are acknowledged without effect (so versions stay gap-free).
 */
export interface EventConsumer<Tx extends ConsumerTransaction = ConsumerTransaction> {
  /** Unique, stable name: it keys the queue, the inbox and the checkpoints, e.g. `identity.customer-directory`. */
  name: string;
  /** The context whose outbox carries the events. */
  source: ContextName;
  /** Aggregate types followed, e.g. `["Customer"]`. */
  aggregateTypes: string[];
  /** Handlers by event type. */
  handlers: Record<string, EventHandler<Tx>>;
  /** Runs `fn` in one transaction on the consuming context's database. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * The same database outside a transaction (the Prisma client itself): the runner advances the
   * checkpoint over events without a handler in one statement here, so they cost no transaction.
   * Without it, such events take a transaction of their own.
   */
  client?: ConsumerTransaction;
}

/** An event that can never be applied (bad payload, violated invariant): dead-lettered at once. */
export class PermanentEventError extends Error {
  override name = "PermanentEventError";
}

/** Declares a consumer with its transaction type inferred from the Prisma client passed in. */
export function defineConsumer<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
): EventConsumer<Tx> {
  return consumer;
}

/**
 * The payload of `event` as `schema` reads it. A payload the schema refuses can never apply, so
 * it is a PermanentEventError (dead-lettered at once) whose message says what is wrong.
 */
export function parsePayload<T>(schema: z.ZodType<T>, event: DomainEvent): T {
  const parsed = schema.safeParse(event.payload);
  if (!parsed.success) {
    throw new PermanentEventError(
      `${event.type} ${event.id}: invalid payload: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

export {
  type ApplyOutcome,
  applyEvent,
  applyEvents,
  type BatchResult,
  OutOfOrderError,
  planRuns,
} from "./apply-event.ts";
export { inboxLowWaterMark, pruneInbox } from "./prune-inbox.ts";

/**
 * A job a context wants run periodically (releasing expired reservations, abandoning idle carts),
 * declared by the context beside its consumers; the workers run it on a BullMQ job scheduler.
 */
export interface ScheduledTask {
  /** Stable name; also the BullMQ job-scheduler id. */
  name: string;
  everyMs: number;
  /** Returns how many things it handled, for the log. */
  run(now: Date): Promise<number>;
}
