import type { ConsumerTransaction, EventConsumer } from "./index.ts";

/**
 * The smallest event id an inbox row may keep for events that occurred at `before` or later.
 * Event ids are UUIDv7: their first 48 bits are the creation time in milliseconds, so "every id
 * below this one" is "every event created before `before`", and the primary key
 * (consumer, event_id) serves the range without another index.
 */
export function inboxLowWaterMark(before: Date): string {
  const hex = Math.max(0, Math.floor(before.getTime())).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/**
 * Inbox rows are kept at least this long, whatever retention is asked for: an event younger than
 * this still finds its row if it was applied, which applyEvents relies on at the checkpoint's own
 * version (with a minute's margin for clocks that disagree).
 */
export const INBOX_MIN_RETENTION_MS = 60_000;

/** Event ids are UUIDv7: the creation time in ms is their first 48 bits. */
export function eventIdTime(id: string): number {
  return Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
}

/** True while an applied event's inbox row cannot have been pruned yet. */
export function inboxKeeps(eventId: string, now: number): boolean {
  return eventIdTime(eventId) >= now - INBOX_MIN_RETENTION_MS;
}

/**
 * Deletes a consumer's inbox rows for events created before `before`, in chunks (short
 * statements, no long lock), and returns how many went.
 *
 * Safe at any low-water mark (kept INBOX_MIN_RETENTION_MS behind now): an inbox row commits in the same transaction as the checkpoint that
 * moves its aggregate past the event's version, and checkpoints only move forward, so a
 * redelivery of a pruned event is still recognised (as `skipped-duplicate`) by the checkpoint. The
 * retention only keeps recent rows for whoever debugs a delivery.
 */
export async function pruneInbox(
  consumer: Pick<EventConsumer, "name" | "transaction" | "client">,
  before: Date,
  chunk = 5_000,
): Promise<number> {
  const lowWater = new Date(Math.min(before.getTime(), Date.now() - INBOX_MIN_RETENTION_MS));
  const run = (db: ConsumerTransaction) =>
    db.$executeRawUnsafe(
      `DELETE FROM inbox WHERE consumer = $1 AND event_id IN (
         SELECT event_id FROM inbox WHERE consumer = $1 AND event_id < $2::uuid ORDER BY event_id LIMIT $3)`,
      consumer.name,
      inboxLowWaterMark(lowWater),
      chunk,
    );
  let total = 0;
  for (;;) {
    const deleted = consumer.client
      ? await run(consumer.client)
      : await consumer.transaction((tx) => run(tx));
    total += deleted;
    if (deleted < chunk) return total;
  }
}
