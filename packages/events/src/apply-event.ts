import type { DomainEvent } from "@shopstream/outbox";
import type { ConsumerTransaction, EventConsumer } from "./index.ts";
import { inboxKeeps } from "./prune-inbox.ts";

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

/** One event's result in a batch: its outcome, or the error that stopped it (OutOfOrderError). */
export type BatchResult = { outcome: ApplyOutcome } | { error: Error };

/**
 * Applies one event for one consumer, at most once in effect and in aggregate-version order
 * (see applyEvents). Throws OutOfOrderError when an earlier version has not been applied yet.
 */
export async function applyEvent<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
  event: DomainEvent,
): Promise<ApplyOutcome> {
  const [result] = await applyEvents(consumer, [event]);
  if (!result) throw new Error("applyEvents returned no result");
  if ("error" in result) throw result.error;
  return result.outcome;
}

/** A run of consecutive versions of one aggregate in a batch, advanced by one checkpoint row. */
interface Run {
  type: string;
  id: string;
  lo: number;
  hi: number;
}

// One statement that locks the batch's checkpoint rows, reads each one's version, and advances
// it to `hi` where the run continues it (`old` between lo-1 and hi-1); a missing row is created
// (see `ins`). Being one statement, it is atomic on its own: a batch without
// handlers needs no transaction around it. `old` is read under FOR UPDATE, so concurrent batches
// of one aggregate (other workers processes) queue here, as the single-event path did.
const ADVANCE_CHECKPOINTS = `
WITH u AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[]) AS u(t, id, lo, hi)
), old AS (
  SELECT c.aggregate_type AS t, c.aggregate_id AS id, c.version
  FROM consumer_checkpoint c JOIN u ON c.aggregate_type = u.t AND c.aggregate_id = u.id
  WHERE c.consumer = $1
  ORDER BY 1, 2
  FOR UPDATE OF c
), upd AS (
  UPDATE consumer_checkpoint c SET version = u.hi, updated_at = now()
  FROM u JOIN old ON old.t = u.t AND old.id = u.id
  WHERE c.consumer = $1 AND c.aggregate_type = u.t AND c.aggregate_id = u.id
    AND old.version BETWEEN u.lo - 1 AND u.hi - 1
  RETURNING c.aggregate_type AS t, c.aggregate_id AS id
), ins AS (
  -- A missing row is created (at the run's end when it starts at version 1, else at 0). When a
  -- concurrent delivery creates it first, DO UPDATE waits for that one to commit and returns the
  -- version it left (xmax <> 0: not inserted here), as the single-event upsert used to.
  INSERT INTO consumer_checkpoint AS c (consumer, aggregate_type, aggregate_id, version)
  SELECT $1, u.t, u.id, CASE WHEN u.lo = 1 THEN u.hi ELSE 0 END FROM u
  WHERE NOT EXISTS (SELECT 1 FROM old WHERE old.t = u.t AND old.id = u.id)
  ON CONFLICT (consumer, aggregate_type, aggregate_id) DO UPDATE SET version = c.version
  RETURNING c.aggregate_type AS t, c.aggregate_id AS id, c.version, (c.xmax = 0) AS inserted
)
SELECT u.t, u.id,
       CASE WHEN ins.inserted THEN NULL ELSE coalesce(old.version, ins.version) END AS old,
       coalesce(ins.inserted AND u.lo = 1, false)
         OR EXISTS (SELECT 1 FROM upd WHERE upd.t = u.t AND upd.id = u.id) AS advanced
FROM u LEFT JOIN old ON old.t = u.t AND old.id = u.id LEFT JOIN ins ON ins.t = u.t AND ins.id = u.id`;

const RECORD_INBOX = `INSERT INTO inbox (consumer, event_id)
SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id::text AS id`;

const aggregateKey = (e: Pick<DomainEvent, "aggregateType" | "aggregateId">) =>
  `${e.aggregateType}\u0000${e.aggregateId}`;

/**
 * Groups a batch per aggregate into the run of consecutive versions each checkpoint row can
 * advance by; events beyond a gap (and repeats of an event id) are left out of every run.
 */
export function planRuns(events: DomainEvent[]): { runs: Run[]; inRun: Set<DomainEvent> } {
  const byAggregate = new Map<string, DomainEvent[]>();
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const key = aggregateKey(e);
    const list = byAggregate.get(key);
    if (list) list.push(e);
    else byAggregate.set(key, [e]);
  }
  const runs: Run[] = [];
  const inRun = new Set<DomainEvent>();
  for (const list of byAggregate.values()) {
    list.sort((a, b) => a.aggregateVersion - b.aggregateVersion);
    const first = list[0]!;
    let hi = first.aggregateVersion;
    inRun.add(first);
    for (const e of list.slice(1)) {
      if (e.aggregateVersion !== hi + 1) break;
      hi = e.aggregateVersion;
      inRun.add(e);
    }
    runs.push({ type: first.aggregateType, id: first.aggregateId, lo: first.aggregateVersion, hi });
  }
  return { runs, inRun };
}

/**
 * Applies a batch of events for one consumer, each at most once in effect and in
 * aggregate-version order:
 *
 * 1. one statement locks the `(consumer, aggregate)` checkpoint rows of the batch and advances each
 *    over the consecutive versions the batch holds (older versions: already applied; a gap: an
 *    earlier event is still on its way, so that event answers OutOfOrderError and is retried);
 * 2. events with a handler record `(consumer, event id)` in `inbox` (a row already there means
 *    applied before: skipped), and their handlers run, in version order per aggregate;
 * 3. all of it commits in one transaction, or rolls back as a whole (the caller then retries each
 *    event on its own, so one bad event does not hold the others back).
 *
 * Events the consumer has no handler for cost no transaction: when the batch holds only such
 * events, step 1 runs alone as one statement on `consumer.client`. The checkpoint, not the inbox,
 * is what makes a redelivery harmless (it only moves forward, in the transaction of the effect),
 * which is why unhandled events need no inbox row and inbox rows may be pruned (pruneInbox).
 */
export async function applyEvents<Tx extends ConsumerTransaction>(
  consumer: EventConsumer<Tx>,
  events: DomainEvent[],
): Promise<BatchResult[]> {
  const { runs, inRun } = planRuns(events);
  const handled = events.some((e) => inRun.has(e) && consumer.handlers[e.type]);
  const advance = async (db: ConsumerTransaction) => {
    const rows = await db.$queryRawUnsafe<
      { t: string; id: string; old: number | null; advanced: boolean }[]
    >(
      ADVANCE_CHECKPOINTS,
      consumer.name,
      runs.map((r) => r.type),
      runs.map((r) => r.id),
      runs.map((r) => r.lo),
      runs.map((r) => r.hi),
    );
    // Per aggregate: versions up to `applied` are in effect now; those up to `before` were already.
    const state = new Map<string, { before: number; applied: number }>();
    const byKey = new Map(
      runs.map((r) => [aggregateKey({ aggregateType: r.type, aggregateId: r.id }), r]),
    );
    for (const row of rows) {
      const run = byKey.get(aggregateKey({ aggregateType: row.t, aggregateId: row.id }));
      if (!run) continue;
      const before = row.old ?? 0;
      state.set(aggregateKey({ aggregateType: run.type, aggregateId: run.id }), {
        before,
        applied: row.advanced ? run.hi : before,
      });
    }
    return state;
  };
  const decide = (state: Map<string, { before: number; applied: number }>) =>
    events.map((e, i): { result: BatchResult; apply: boolean } => {
      const s = state.get(aggregateKey(e)) ?? { before: 0, applied: 0 };
      const repeat = events.findIndex((o) => o.id === e.id) !== i;
      if (repeat || e.aggregateVersion < s.before)
        return { result: { outcome: "skipped-duplicate" }, apply: false };
      // At the checkpoint's own version the inbox decides (a replay under a new id passes it, and
      // the handler's idempotency holds) — only while the inbox can still hold this event's row:
      // older events' rows may be pruned, and for them the checkpoint alone says "duplicate".
      if (
        e.aggregateVersion === s.before &&
        !(consumer.handlers[e.type] && inboxKeeps(e.id, Date.now()))
      )
        return { result: { outcome: "skipped-duplicate" }, apply: false };
      if (!inRun.has(e) || e.aggregateVersion > s.applied)
        return { result: { error: new OutOfOrderError(s.applied + 1, e) }, apply: false };
      const apply = Boolean(consumer.handlers[e.type]);
      return { result: { outcome: apply ? "applied" : "skipped-unhandled" }, apply };
    });

  if (!handled) {
    const run = (db: ConsumerTransaction) => advance(db).then(decide);
    const decided = consumer.client
      ? await run(consumer.client)
      : await consumer.transaction((tx) => run(tx));
    return decided.map((d) => d.result);
  }
  return consumer.transaction(async (tx) => {
    const decided = decide(await advance(tx));
    const toApply = events.filter((_, i) => decided[i]!.apply);
    if (toApply.length > 0) {
      const fresh = await tx.$queryRawUnsafe<{ id: string }[]>(
        RECORD_INBOX,
        consumer.name,
        toApply.map((e) => e.id),
      );
      const freshIds = new Set(fresh.map((r) => r.id));
      // Version order per aggregate; aggregates in the order the batch first names them.
      const first = new Map<string, number>();
      for (const [i, e] of toApply.entries())
        if (!first.has(aggregateKey(e))) first.set(aggregateKey(e), i);
      const ordered = [...toApply].sort(
        (a, b) =>
          first.get(aggregateKey(a))! - first.get(aggregateKey(b))! ||
          a.aggregateVersion - b.aggregateVersion,
      );
      for (const e of ordered) {
        const i = events.indexOf(e);
        if (!freshIds.has(e.id)) {
          decided[i] = { result: { outcome: "skipped-duplicate" }, apply: false };
          continue;
        }
        await consumer.handlers[e.type]!(e, tx);
      }
    }
    return decided.map((d) => d.result);
  });
}
