import { isRetryableTransactionError, isTransactionStartTimeout } from "@shopstream/db";
import { DomainError, isDomainError } from "@shopstream/errors";
import {
  appendToOutbox,
  type DomainEvent,
  type EventMetadata,
  type NewEvent,
  type OutboxTransaction,
  toEnvelope,
} from "@shopstream/outbox";

/**
 * The one write path of every context: load the aggregate, decide (pure domain code), then save
 * the new state guarded by the loaded version together with its events in the context's outbox,
 * in one transaction. See docs/architecture.md, "Write path".
 *
 * - A version miss (another command committed first, so the guarded save matched nothing) is
 *   `CONFLICT`, never a lost update.
 * - A serialization failure or deadlock retries the whole transaction (a fresh load and decision)
 *   up to `attempts` times, then answers `CONFLICT` too: the client may reload and retry.
 * - No connection within the transaction's `maxWait` (a burst, or the database away) answers
 *   `SERVICE_UNAVAILABLE` with `retryAfterSeconds`: retryable, never an internal error.
 * - A decision without events writes nothing and returns the aggregate as loaded.
 * - `changeAggregateIn` does the same inside a transaction the caller holds (a consumer's, so the
 *   reaction commits with its inbox row); the caller's transaction owns retries then.
 */

/** What a decision returns: the aggregate's new state and the events that say why. */
export interface Decision<S, E extends NewEvent = NewEvent> {
  state: S;
  events: E[];
}

/** Interactive-transaction limits (Prisma's `maxWait` for a connection, `timeout` to finish). */
export interface TransactionOptions {
  maxWait?: number;
  timeout?: number;
}

/** Any Prisma client: the slice of it a command needs. */
export interface TransactionRunner<Tx> {
  $transaction<T>(fn: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** What every command gets: its context's database and a clock (injected by tests). */
export interface CommandDeps<Tx> {
  prisma: TransactionRunner<Tx>;
  now?: () => Date;
}

/** The deps' clock, or the wall clock. */
export const nowOf = (deps: { now?: () => Date }): Date => deps.now?.() ?? new Date();

/** How an aggregate is read and written; every repository offers this shape. */
export interface AggregateStore<S, Tx> {
  /** The entity's name in errors, e.g. `Order`. */
  entity: string;
  load(tx: Tx, id: string): Promise<S | null>;
  /**
   * Writes `next` only if the stored version is still `loaded`'s; false when nothing matched (a
   * concurrent change committed first), which the command reports as CONFLICT.
   */
  save(tx: Tx, loaded: S, next: S, now: Date): Promise<boolean>;
  /** Writes that belong with the events in the same transaction (a timeline, a saga's state). */
  record?(tx: Tx, next: S, events: DomainEvent[], now: Date): Promise<void>;
}

export interface DecideContext<Tx> {
  tx: Tx;
  now: Date;
}

export type Decide<S, Tx, E extends NewEvent = NewEvent> = (
  current: S,
  ctx: DecideContext<Tx>,
) => Decision<S, E> | Promise<Decision<S, E>>;

export interface RunOptions {
  /** Entity and id named by the CONFLICT a persistent deadlock ends in. */
  entity: string;
  id?: string;
  /** Attempts in all for a serialization failure or deadlock (default 3). */
  attempts?: number;
  transaction?: TransactionOptions;
  /** Turns a database error into an expected one (a unique violation into DUPLICATE, say). */
  mapError?: (error: unknown) => DomainError | null;
}

/**
 * Runs `fn` in one transaction, retrying it as a whole on a serialization failure or deadlock
 * (they leave nothing behind, and a new attempt reloads what it read), then CONFLICT.
 */
export async function runTransaction<T, Tx>(
  prisma: TransactionRunner<Tx>,
  fn: (tx: Tx) => Promise<T>,
  opts: RunOptions,
): Promise<T> {
  const attempts = opts.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction(fn, opts.transaction);
    } catch (error) {
      if (isDomainError(error)) throw error;
      if (isRetryableTransactionError(error)) {
        if (attempt < attempts) continue;
        throw DomainError.conflict(opts.entity, opts.id ?? "new");
      }
      // Nothing started, so nothing was written: the caller may retry, as for an overload.
      if (isTransactionStartTimeout(error))
        throw DomainError.unavailable("The database is busy; retry shortly");
      throw opts.mapError?.(error) ?? error;
    }
  }
}

/** Wraps new events in envelopes carrying `metadata` and writes them to the outbox with `tx`. */
export async function recordEvents(
  tx: OutboxTransaction,
  events: NewEvent[],
  metadata: EventMetadata,
  now: Date,
): Promise<DomainEvent[]> {
  const envelopes = events.map((e) => toEnvelope(e, metadata, now));
  await appendToOutbox(tx, envelopes);
  return envelopes;
}

/** Load → decide → guarded save + outbox, inside the caller's transaction. */
export async function changeAggregateIn<S, Tx extends OutboxTransaction>(
  tx: Tx,
  store: AggregateStore<S, Tx>,
  id: string,
  decide: Decide<S, Tx>,
  metadata: EventMetadata,
  now: Date,
): Promise<S> {
  const current = await store.load(tx, id);
  if (current === null) throw DomainError.notFound(store.entity, id);
  const { state, events } = await decide(current, { tx, now });
  if (events.length === 0) return current;
  if (!(await store.save(tx, current, state, now))) throw DomainError.conflict(store.entity, id);
  await recordWith(tx, store, state, events, metadata, now);
  return state;
}

/** The events to the outbox, then whatever the store keeps beside them. */
async function recordWith<S, Tx extends OutboxTransaction>(
  tx: Tx,
  store: Pick<AggregateStore<S, Tx>, "record">,
  state: S,
  events: NewEvent[],
  metadata: EventMetadata,
  now: Date,
): Promise<void> {
  const envelopes = await recordEvents(tx, events, metadata, now);
  await store.record?.(tx, state, envelopes, now);
}

export type CommandOptions = Omit<RunOptions, "entity" | "id">;

/** Load → decide → guarded save + outbox in a transaction of its own (see the module comment). */
export function changeAggregate<S, Tx extends OutboxTransaction>(
  deps: CommandDeps<Tx>,
  store: AggregateStore<S, Tx>,
  id: string,
  decide: Decide<S, Tx>,
  metadata: EventMetadata,
  opts: CommandOptions = {},
): Promise<S> {
  const now = nowOf(deps);
  return runTransaction(
    deps.prisma,
    (tx) => changeAggregateIn(tx, store, id, decide, metadata, now),
    { ...opts, entity: store.entity, id },
  );
}

/** How a new aggregate is written. */
export interface NewAggregateStore<S, Tx> {
  entity: string;
  insert(tx: Tx, state: S, now: Date): Promise<void>;
  record?(tx: Tx, state: S, events: DomainEvent[], now: Date): Promise<void>;
}

/** Decide → insert + outbox in one transaction, for a command that creates an aggregate. */
export function createAggregate<S, Tx extends OutboxTransaction>(
  deps: CommandDeps<Tx>,
  store: NewAggregateStore<S, Tx>,
  decide: (ctx: DecideContext<Tx>) => Decision<S> | Promise<Decision<S>>,
  metadata: EventMetadata,
  /** `id`: what a persistent deadlock's CONFLICT names (the parent, say); "new" by default. */
  opts: CommandOptions & { id?: string } = {},
): Promise<S> {
  const now = nowOf(deps);
  return runTransaction(
    deps.prisma,
    async (tx) => {
      const { state, events } = await decide({ tx, now });
      await store.insert(tx, state, now);
      await recordWith(tx, store, state, events, metadata, now);
      return state;
    },
    { entity: store.entity, ...opts },
  );
}
