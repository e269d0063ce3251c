import type { DomainEvent } from "@shopstream/outbox";
import type { ChainableCommander, Redis } from "ioredis";

/** Redis stream holding a context's recent events for live subscribers. */
export const liveStreamKey = (prefix: string, context: string) => `${prefix}:live:${context}`;
/** Pub/sub channel announcing new entries in a context's live stream. */
export const liveChannel = (prefix: string, context: string) => `${prefix}:live:${context}:new`;

/** One entry of a context's live stream. */
export interface LiveEvent {
  /** Opaque resume point: the Redis stream entry id. Pass it back as `after` to resume. */
  cursor: string;
  /** The event's outbox position in its context (commit order may differ from position order). */
  position: string;
  event: DomainEvent;
}

export const DEFAULT_LIVE_HISTORY = 10_000;

/**
 * Adds relayed events to the context's Redis stream (capped at about `history` entries, which is
 * how far back a reconnecting subscriber can resume) and announces them on a pub/sub channel so
 * that a gateway needs one subscription per channel, not one per client. Queued on `pipeline` so
 * that it goes to Redis in the relay's one round trip.
 */
export function appendLive(
  pipeline: ChainableCommander,
  prefix: string,
  context: string,
  rows: { position: string; event: DomainEvent }[],
  history = DEFAULT_LIVE_HISTORY,
): void {
  if (rows.length === 0) return;
  const key = liveStreamKey(prefix, context);
  for (const row of rows) {
    pipeline.xadd(
      key,
      "MAXLEN",
      "~",
      String(history),
      "*",
      "position",
      row.position,
      "event",
      JSON.stringify(row.event),
    );
  }
  pipeline.publish(liveChannel(prefix, context), String(rows.length));
}

export class CursorExpiredError extends Error {
  override name = "CursorExpiredError";
}

/**
 * Events after `cursor` (exclusive), oldest first. A cursor older than the retained history
 * raises CursorExpiredError instead of silently skipping what was trimmed.
 */
export async function readLiveAfter(
  redis: Redis,
  prefix: string,
  context: string,
  cursor: string | null,
  count = 1000,
): Promise<LiveEvent[]> {
  const key = liveStreamKey(prefix, context);
  if (cursor !== null && !/^\d+-\d+$/.test(cursor)) {
    throw new CursorExpiredError(`"${cursor}" is not a live-stream cursor`);
  }
  const entries = await redis.xrange(
    key,
    cursor === null ? "-" : `(${cursor}`,
    "+",
    "COUNT",
    count,
  );
  // Checked after reading: trimming only ever moves the oldest entry forward, so a cursor still
  // retained now was retained when the entries were read. Checked before, a trim in between
  // would go unnoticed and the entries it removed would be skipped.
  if (cursor !== null) {
    const [oldest] = await redis.xrange(key, "-", "+", "COUNT", 1);
    if (
      oldest &&
      compareStreamIds(oldest[0], cursor) > 0 &&
      (await redis.xrange(key, cursor, cursor)).length === 0
    ) {
      throw new CursorExpiredError(
        `cursor ${cursor} is older than the retained history (oldest ${oldest[0]})`,
      );
    }
  }
  return entries.map(([id, fields]) => parseLiveEntry(id, fields));
}

/** One XRANGE entry of a live stream as a LiveEvent. */
export function parseLiveEntry(id: string, fields: string[]): LiveEvent {
  const value = (name: string) => fields[fields.indexOf(name) + 1] ?? "";
  return {
    cursor: id,
    position: value("position"),
    event: JSON.parse(value("event")) as DomainEvent,
  };
}

/** Orders Redis stream ids (`<ms>-<seq>`) numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split("-").map(BigInt);
  const [bm = 0n, bs = 0n] = b.split("-").map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}
