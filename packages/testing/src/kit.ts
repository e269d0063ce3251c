import { type DomainError, isDomainError } from "@shopstream/errors";
import {
  type ApplyOutcome,
  applyEvent,
  type ConsumerTransaction,
  type EventConsumer,
} from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";

/**
 * The test kit every tier shares (`@shopstream/testing/kit`, no I/O of its own and no vitest
 * import, so unit tests and global setups can load it): catching an expected failure, waiting
 * for a condition with a deadline, and delivering an event through the real inbox path.
 */

/** Runs `fn`, which must throw a DomainError (of `code`, when given); returns the error. */
export function domainError(fn: () => unknown, code?: string): DomainError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  return asDomainError(thrown, code, "threw nothing");
}

/**
 * Awaits `promise`, which must reject with a DomainError (of `code`, when given); returns the
 * error. For VALIDATION_FAILED, `fields` also checks the offending fields' names, in order.
 */
export async function expectDomainError(
  promise: Promise<unknown>,
  code?: string,
  fields?: string[],
): Promise<DomainError> {
  const error = asDomainError(
    await promise.then(
      () => undefined,
      (e: unknown) => e ?? new Error("rejected with nothing"),
    ),
    code,
    "resolved",
  );
  if (fields) {
    const actual = fieldsOf(error);
    if (JSON.stringify(actual) !== JSON.stringify(fields))
      throw new Error(`expected fields ${fields.join(", ")}, got ${actual.join(", ")}`);
  }
  return error;
}

/**
 * The offending field names of a VALIDATION_FAILED (or DUPLICATE) error, in order; given a
 * function, it must throw (with `code`, when given).
 */
export function fieldsOf(errorOrFn: DomainError | (() => unknown), code?: string): string[] {
  const error = typeof errorOrFn === "function" ? domainError(errorOrFn, code) : errorOrFn;
  const fields = error.extensions.fields as { field: string }[] | undefined;
  if (!fields)
    throw new Error(`expected an error naming fields, got ${error.code}: ${error.message}`);
  return fields.map((f) => f.field);
}

/** The error code `fn` throws, or null when it succeeds (for tables of allowed/refused moves). */
export function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return asDomainError(error, undefined, "").code;
  }
}

function asDomainError(value: unknown, code: string | undefined, none: string): DomainError {
  if (value === undefined)
    throw new Error(`expected a DomainError${code ? ` ${code}` : ""}, but it ${none}`);
  if (!isDomainError(value)) throw value;
  if (code !== undefined && value.code !== code)
    throw new Error(`expected ${code}, got ${value.code}: ${value.message}`);
  return value;
}

export interface PollOptions<T> {
  /** How long to keep reading (default 20 s). */
  timeoutMs?: number;
  /** The pause between reads (default 50 ms). */
  intervalMs?: number;
  /** How the timeout's message shows the last value read (default: as JSON). */
  show?: (last: T) => string;
}

/**
 * Reads until `done` holds and returns that value; after the deadline it throws naming `what`
 * and the last value (or error) read, so a stuck test says where it stopped. The one way a test
 * waits for an effect: poll with a deadline, never sleep a fixed time.
 */
export async function pollUntil<T>(
  what: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 50, show = JSON.stringify }: PollOptions<T> = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const value = await read();
      if (done(value)) return value;
      last = `last read: ${show(value)}`;
    } catch (error) {
      last = `last error: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${last}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `probe` returns a truthy value and returns it (pollUntil for the common case). */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  opts: PollOptions<T> = {},
): Promise<NonNullable<T>> {
  return (await pollUntil(what, probe, Boolean, opts)) as NonNullable<T>;
}

/**
 * Delivers `event` to `consumer` exactly as the workers' runner does: through `applyEvent` (inbox
 * row, per-aggregate checkpoint, handler, one transaction). A repeat answers `skipped-duplicate`;
 * an event ahead of its predecessor throws OutOfOrderError.
 */
export function deliverEvent<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
  event: DomainEvent,
): Promise<ApplyOutcome> {
  return applyEvent(consumer, event);
}

/** Delivers events one after another, in the order given; returns each outcome. */
export async function deliverEvents<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
  events: DomainEvent[],
): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const event of events) outcomes.push(await applyEvent(consumer, event));
  return outcomes;
}

/**
 * The value of the series `name` whose labels are exactly `labels` (in any order) in a
 * Prometheus text scrape, or undefined when the scrape has no such series.
 */
export function metricValue(
  scrape: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  for (const line of scrape.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = [...(match[2] ?? "").matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    if (JSON.stringify(found.sort()) === wanted) return Number(match[3]);
  }
  return undefined;
}
