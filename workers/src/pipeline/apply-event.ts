import type { ConsumerTransaction, EventConsumer } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";

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
 * 3. run the handler (if the consumer handles this type) and advance the checkpoint.
 *
 * Any failure rolls back all three, so a retry starts from scratch.
 */
export async function applyEvent<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
  event: DomainEvent,
): Promise<ApplyOutcome> {
  return consumer.transaction(async (tx) => {
    const fresh = await tx.$executeRawUnsafe(
      "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING",
      consumer.name,
      event.id,
    );
    if (fresh === 0) return "skipped-duplicate";

    await tx.$executeRawUnsafe(
      `INSERT INTO consumer_checkpoint (consumer, aggregate_type, aggregate_id, version)
       VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`,
      consumer.name,
      event.aggregateType,
      event.aggregateId,
    );
    const [checkpoint] = await tx.$queryRawUnsafe<{ version: number }[]>(
      `SELECT version FROM consumer_checkpoint
       WHERE consumer = $1 AND aggregate_type = $2 AND aggregate_id = $3 FOR UPDATE`,
      consumer.name,
      event.aggregateType,
      event.aggregateId,
    );
    const applied = checkpoint?.version ?? 0;
    if (event.aggregateVersion <= applied) return "skipped-duplicate";
    if (event.aggregateVersion > applied + 1) throw new OutOfOrderError(applied + 1, event);

    const handler = consumer.handlers[event.type];
    if (handler) await handler(event, tx);
    await tx.$executeRawUnsafe(
      `UPDATE consumer_checkpoint SET version = $4, updated_at = now()
       WHERE consumer = $1 AND aggregate_type = $2 AND aggregate_id = $3`,
      consumer.name,
      event.aggregateType,
      event.aggregateId,
      event.aggregateVersion,
    );
    return handler ? "applied" : "skipped-unhandled";
  });
}
