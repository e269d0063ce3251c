import type { DomainEvent } from "@shopstream/outbox";
import type { ConsumerTransaction, EventConsumer } from "./index.ts";

/** The event is ahead of the consumer's checkpoint: an earlier version has not been applied yet. */
export class OutOfOrderError extends Error {
  override name = "OutOfOrderError";
  constructor(
    readonly expectedVersion: number,
    readonly event: DomainEvent,
  ) {
    super(
      `${event.aggregateType} ${event.aggregateId} version ${event.aggregateVersion} arrived before version ${expectedVersion}`,
    );
  }
}

export type ApplyOutcome = "applied" | "skipped-duplicate" | "skipped-unhandled";

/**
 * Applies one event for one consumer, at most once in effect and in aggregate-version order, in
 * a single transaction on the consumer's database:
 *
 * 1. insert `(consumer, event id)` into `inbox` — a redelivered event finds its row and stops;
 * 2. lock the `(consumer, aggregate)` checkpoint row — concurrent events of one aggregate queue
 *    here — and require `version = checkpoint + 1` (older: already applied; newer: an earlier
 *    event is still on its way, so the caller retries later);
 * 3. advance the checkpoint and run the handler (if the consumer handles this type).
 *
 * Any failure rolls back all three, so a retry starts from scratch.
 */
export async function applyEvent<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
  event: DomainEvent,
): Promise<ApplyOutcome> {
  return consumer.transaction(async (tx) => {
    // Steps 1 and 2 in one statement, since it runs for every event of every consumer: the inbox
    // insert and, only if it inserted, an upsert that locks the checkpoint row and advances it
    // when this event is the next one. Advancing before the handler runs is safe: the handler's
    // failure rolls the whole transaction back. The inbox is never pruned, so a first delivery
    // cannot meet a checkpoint already at its version.
    const [checkpoint] = await tx.$queryRawUnsafe<{ version: number }[]>(
      `WITH first_delivery AS (
         INSERT INTO inbox (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING RETURNING 1
       )
       INSERT INTO consumer_checkpoint AS c (consumer, aggregate_type, aggregate_id, version)
       SELECT $1, $3, $4, CASE WHEN $5::int = 1 THEN 1 ELSE 0 END WHERE EXISTS (SELECT 1 FROM first_delivery)
       ON CONFLICT (consumer, aggregate_type, aggregate_id) DO UPDATE
         SET version = CASE WHEN c.version = $5::int - 1 THEN $5::int ELSE c.version END, updated_at = now()
       RETURNING version`,
      consumer.name,
      event.id,
      event.aggregateType,
      event.aggregateId,
      event.aggregateVersion,
    );
    if (!checkpoint) return "skipped-duplicate";
    if (checkpoint.version > event.aggregateVersion) return "skipped-duplicate";
    if (checkpoint.version < event.aggregateVersion)
      throw new OutOfOrderError(checkpoint.version + 1, event);

    const handler = consumer.handlers[event.type];
    if (!handler) return "skipped-unhandled";
    await handler(event, tx);
    return "applied";
  });
}
