import { v7 as uuidv7 } from "uuid";

/** Who or what caused an event; carried on every event for tracing and audit. */
export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  idempotencyKey: string | null;
  actor: string;
}

/** The envelope every event carries (docs/architecture.md, "Event path"). */
export interface DomainEvent<TType extends string = string, TPayload = unknown> {
  id: string;
  type: TType;
  schemaVersion: number;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  occurredAt: string;
  payload: TPayload;
  metadata: EventMetadata;
}

export interface NewEvent<TType extends string = string, TPayload = unknown> {
  type: TType;
  schemaVersion?: number;
  aggregateType: string;
  aggregateId: string;
  aggregateVersion: number;
  payload: TPayload;
}

/** Time-ordered UUIDs (v7): primary-key inserts stay append-only in the B-tree. */
export const newId = (): string => uuidv7();

export function defaultMetadata(partial: Partial<EventMetadata> = {}): EventMetadata {
  return {
    correlationId: partial.correlationId ?? newId(),
    causationId: partial.causationId ?? null,
    idempotencyKey: partial.idempotencyKey ?? null,
    actor: partial.actor ?? "anonymous",
  };
}

export function toEnvelope<T extends string, P>(
  event: NewEvent<T, P>,
  metadata: EventMetadata,
  now: Date = new Date(),
): DomainEvent<T, P> {
  return {
    id: newId(),
    type: event.type,
    schemaVersion: event.schemaVersion ?? 1,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    occurredAt: now.toISOString(),
    payload: event.payload,
    metadata,
  };
}

/** The slice of a context's Prisma transaction client the outbox writer needs. */
export interface OutboxTransaction {
  outbox: {
    createMany(args: {
      data: {
        eventId: string;
        eventType: string;
        schemaVersion: number;
        aggregateType: string;
        aggregateId: string;
        aggregateVersion: number;
        occurredAt: Date;
        // biome-ignore lint/suspicious/noExplicitAny: Prisma's JSON input type differs per generated client
        payload: any;
        // biome-ignore lint/suspicious/noExplicitAny: as above
        metadata: any;
      }[];
    }): Promise<{ count: number }>;
  };
}

/**
 * The one outbox writer: call it with the same transaction client that writes the state change,
 * so state and events commit together or not at all. Nothing is published in-process.
 */
export async function appendToOutbox(tx: OutboxTransaction, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.outbox.createMany({
    data: events.map((e) => ({
      eventId: e.id,
      eventType: e.type,
      schemaVersion: e.schemaVersion,
      aggregateType: e.aggregateType,
      aggregateId: e.aggregateId,
      aggregateVersion: e.aggregateVersion,
      occurredAt: new Date(e.occurredAt),
      payload: e.payload as object,
      metadata: e.metadata as unknown as object,
    })),
  });
}

/**
 * Metadata for the events a reaction to `cause` writes: same correlation id (one chain per user
 * action), `cause` as causation, and the consumer (or process) that reacted as actor.
 */
export function causedBy(cause: DomainEvent, actor: string): EventMetadata {
  return {
    correlationId: cause.metadata.correlationId,
    causationId: cause.id,
    idempotencyKey: null,
    actor,
  };
}

/** Metadata for the events of a command a request issued (no causing event). */
export function requestedBy(
  request: { correlationId: string; actor: string },
  idempotencyKey: string | null = null,
): EventMetadata {
  return {
    correlationId: request.correlationId,
    causationId: null,
    idempotencyKey,
    actor: request.actor,
  };
}
