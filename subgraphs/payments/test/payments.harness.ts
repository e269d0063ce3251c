import { type DomainEvent, defaultMetadata, type EventMetadata, newId } from "@shopstream/outbox";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll } from "vitest";
import { createPaymentsPrisma } from "../src/db.ts";
import { applyProviderReport, initiatePayment } from "../src/payments/payment-commands.ts";

/** Shared set-up of payments' integration tests: the real database and the commands' deps. */
export const prisma = createPaymentsPrisma(testDatabaseUrl("payments"), { poolSize: 20 });
export const deps = { prisma };
afterAll(() => prisma.$disconnect());

/** A PENDING payment of `amount` EUR for the order, under a fresh idempotency key. */
export const paymentFor = (orderId: string = newId(), amount = 10_000) =>
  initiatePayment(
    deps,
    { orderId, amount: { amount, currency: "EUR" }, idempotencyKey: unique("pay") },
    defaultMetadata(),
  );

/** The provider's success webhook for the payment's attempt, under a fresh webhook id. */
export const reportSuccess = (paymentId: string, attempt = 1) =>
  applyProviderReport(
    deps,
    unique("wh"),
    { type: "payment.succeeded", paymentId, attempt },
    defaultMetadata(),
  );

/** The aggregate's outbox rows, oldest first. */
export const eventsOf = (aggregateId: string) =>
  prisma.outbox.findMany({ where: { aggregateId }, orderBy: { aggregateVersion: "asc" } });

/** The aggregate's events as the relay hands them on, oldest first. */
export async function outboxEvents(aggregateId: string): Promise<DomainEvent[]> {
  return (await eventsOf(aggregateId)).map((row) => ({
    id: row.eventId,
    type: row.eventType,
    schemaVersion: row.schemaVersion,
    aggregateType: row.aggregateType,
    aggregateId: row.aggregateId,
    aggregateVersion: row.aggregateVersion,
    occurredAt: row.occurredAt.toISOString(),
    payload: row.payload,
    metadata: row.metadata as unknown as EventMetadata,
  }));
}

/** The aggregate's latest event of `type`. */
export async function outboxEvent(aggregateId: string, type: string): Promise<DomainEvent> {
  const event = (await outboxEvents(aggregateId)).findLast((e) => e.type === type);
  if (!event) throw new Error(`${aggregateId} has no ${type} in the outbox`);
  return event;
}

/**
 * An ordering `Order` event as the relay would hand it on: `version` counts the order's events
 * (1, 2, 3 … for each consumer), the payload carries the order id like ordering's do.
 */
export const orderEvent = (
  orderId: string,
  type: string,
  version: number,
  payload: Record<string, unknown> = {},
): DomainEvent => ({
  id: newId(),
  type,
  schemaVersion: 1,
  aggregateType: "Order",
  aggregateId: orderId,
  aggregateVersion: version,
  occurredAt: new Date().toISOString(),
  payload: { orderId, ...payload },
  metadata: defaultMetadata({ actor: "test" }),
});

export const refundsOf = (paymentId: string) =>
  prisma.refund.findMany({ where: { paymentId }, orderBy: { createdAt: "asc" } });

/**
 * Runs `round` at least `min` times and until every interleaving in `wanted` was seen at least
 * once (at most `max` rounds), and returns the tally. A race test asserts the tally, so it proves
 * each interleaving it exists for actually happened, not only that nothing broke.
 */
export async function raceUntilSeen<K extends string>(
  wanted: readonly K[],
  round: (i: number) => Promise<K>,
  { min = 1, max = 20 }: { min?: number; max?: number } = {},
): Promise<Record<K, number>> {
  const tally = Object.fromEntries(wanted.map((k) => [k, 0])) as Record<K, number>;
  for (let i = 0; i < max && (i < min || wanted.some((k) => tally[k] === 0)); i++) {
    const seen = await round(i);
    tally[seen] = (tally[seen] ?? 0) + 1;
  }
  return tally;
}
