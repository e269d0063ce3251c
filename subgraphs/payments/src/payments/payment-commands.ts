import { createHash } from "node:crypto";
import {
  changeAggregate,
  changeAggregateIn,
  createAggregate,
  nowOf,
  recordEvents,
  runTransaction,
} from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError, isDomainError } from "@shopstream/errors";
import type { Money } from "@shopstream/money";
import { type EventMetadata, newId } from "@shopstream/outbox";
import type { PaymentsDeps, PaymentsTx } from "../context.ts";
import type { PaymentsDb } from "../db.ts";
import {
  findPaymentByKey,
  insertPayment,
  lockPaymentsOfOrder,
  paymentStore,
  toPayment,
} from "./payment.repository.ts";
import * as domain from "./payment.ts";

export interface InitiatePaymentInput {
  orderId: string;
  amount: Money;
  idempotencyKey: string;
}

const KEY_USED_FOR_ANOTHER_PAYMENT = "This idempotency key was used for a different payment";

const fingerprint = (input: InitiatePaymentInput) =>
  createHash("sha256")
    .update(JSON.stringify([input.orderId, input.amount.amount, input.amount.currency]))
    .digest("hex");

/**
 * Starts a payment, deduplicated on the idempotency key by the database's unique index: a
 * repeat with the same key and payload returns the first payment (even when ten arrive at once);
 * the same key with another payload is DUPLICATE.
 */
export async function initiatePayment(
  deps: PaymentsDeps,
  input: InitiatePaymentInput,
  metadata: EventMetadata,
  opts: {
    /** Run in this transaction (a consumer's) instead of a new one. */
    tx?: PaymentsTx;
    /** The payment's id when the caller chose it (the checkout saga derives it); else a new one. */
    id?: string;
  } = {},
): Promise<domain.Payment> {
  const decision = domain.initiatePayment({ id: opts.id ?? newId(), ...input });
  const print = fingerprint(input);
  const keyed = { ...metadata, idempotencyKey: input.idempotencyKey };
  const existing = async (db: PaymentsDb) => {
    const row = await findPaymentByKey(db, input.idempotencyKey);
    if (!row) return null;
    if (row.requestFingerprint === print) return toPayment(row);
    throw DomainError.duplicate("payment", "idempotencyKey", KEY_USED_FOR_ANOTHER_PAYMENT);
  };
  const store = {
    entity: "payment",
    insert: (tx: PaymentsTx, p: domain.Payment, now: Date) => insertPayment(tx, p, print, now),
  };
  if (opts.tx) {
    // Inside a caller's transaction a unique violation would abort it, so concurrent initiations
    // with one key queue on a transaction-scoped advisory lock instead; the later ones then see
    // the first one's committed payment.
    const tx = opts.tx;
    await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${input.idempotencyKey}, 0))) l`;
    const found = await existing(tx);
    if (found) return found;
    const now = nowOf(deps);
    await store.insert(tx, decision.state, now);
    await recordEvents(tx, decision.events, keyed, now);
    return decision.state;
  }
  const found = await existing(deps.prisma);
  if (found) return found;
  try {
    return await createAggregate(deps, store, () => decision, keyed);
  } catch (error) {
    // Another request with the key committed between our read and our insert: answer its payment.
    if (!uniqueViolationFields(error)) throw error;
    const winner = await existing(deps.prisma);
    if (!winner) throw error;
    return winner;
  }
}

export const retryPayment = (deps: PaymentsDeps, id: string, metadata: EventMetadata) =>
  changeAggregate(deps, paymentStore, id, domain.retryPayment, metadata);

export const requestRefund = (
  deps: PaymentsDeps,
  paymentId: string,
  input: { amount: number; reason?: string | null },
  metadata: EventMetadata,
) =>
  changeAggregate(
    deps,
    paymentStore,
    paymentId,
    (p) =>
      domain.requestRefund(p, { id: newId(), amount: input.amount, reason: input.reason ?? null }),
    metadata,
  );

/** What the payment provider reports through the webhook. */
export type ProviderReport =
  | { type: "payment.succeeded"; paymentId: string; attempt: number }
  | { type: "payment.failed"; paymentId: string; attempt: number; reason: string }
  | { type: "refund.completed"; paymentId: string; refundId: string };

/** The decision a report makes, or null when it is stale: about an earlier attempt, or contradicting what is recorded. */
function decideReport(p: domain.Payment, report: ProviderReport): domain.PaymentDecision | null {
  if (report.type === "refund.completed") return domain.recordRefundCompleted(p, report.refundId);
  if (report.attempt !== p.attempts) return null;
  try {
    return report.type === "payment.succeeded"
      ? domain.recordPaymentSucceeded(p)
      : domain.recordPaymentFailed(p, report.reason);
  } catch (error) {
    // A success for a failed attempt is kept as received but changes nothing; the caller logs it.
    if (isDomainError(error) && error.code === "INVALID_STATE_TRANSITION") return null;
    throw error;
  }
}

/**
 * Applies a verified provider webhook once: its id is recorded in the same transaction, so a
 * duplicate delivery changes nothing; a report about an earlier attempt (late) changes nothing.
 */
export async function applyProviderReport(
  deps: PaymentsDeps,
  webhookId: string,
  report: ProviderReport,
  metadata: EventMetadata,
): Promise<"applied" | "duplicate" | "stale"> {
  const now = nowOf(deps);
  return runTransaction(
    deps.prisma,
    async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO provider_webhook (id, type, received_at) VALUES (${webhookId}, ${report.type}, ${now})
        ON CONFLICT (id) DO NOTHING`;
      if (inserted === 0) return "duplicate";
      let stale = false;
      const after = await changeAggregateIn(
        tx,
        paymentStore,
        report.paymentId,
        (p) => {
          const decision = decideReport(p, report);
          stale = decision === null;
          return decision ?? { state: p, events: [] };
        },
        metadata,
        now,
      );
      // A payment that succeeds after its order was cancelled is refunded at once, in the same
      // transaction. The payment row is locked first, so this and the cancellation reaction
      // (refundCancelledOrder) see each other's committed work: exactly one of them refunds.
      if (report.type === "payment.succeeded" && !stale && (await isOrderCancelled(tx, after))) {
        const reason = "order cancelled before the payment succeeded";
        await refundRemaining(tx, after.id, { reason }, metadata, now);
      }
      return stale ? "stale" : "applied";
    },
    { entity: "payment", id: report.paymentId },
  );
}

async function isOrderCancelled(tx: PaymentsTx, p: domain.Payment): Promise<boolean> {
  return (await tx.cancelledOrder.count({ where: { orderId: p.orderId } })) > 0;
}

/** Requests a refund of what is still refundable on one payment; returns the amount (maybe 0). */
async function refundRemaining(
  tx: PaymentsTx,
  paymentId: string,
  refund: { reason: string; limit?: number },
  metadata: EventMetadata,
  now: Date,
): Promise<number> {
  let refunded = 0;
  await changeAggregateIn(
    tx,
    paymentStore,
    paymentId,
    (p) => {
      const decision = domain.refundRemaining(p, { id: newId(), ...refund });
      refunded = domain.refundable(p) - domain.refundable(decision.state);
      return decision;
    },
    metadata,
    now,
  );
  return refunded;
}

/**
 * Reaction to OrderCancelled, in the consumer's transaction: remember the cancellation and refund
 * whatever was captured for the order. Idempotent: a second delivery finds nothing to refund.
 */
export async function refundCancelledOrder(
  tx: PaymentsTx,
  orderId: string,
  metadata: EventMetadata,
  now: Date,
): Promise<number> {
  await tx.$executeRaw`
    INSERT INTO cancelled_order (order_id, cancelled_at) VALUES (${orderId}::uuid, ${now}) ON CONFLICT DO NOTHING`;
  let total = 0;
  for (const id of await lockPaymentsOfOrder(tx, orderId))
    total += await refundRemaining(tx, id, { reason: "order cancelled" }, metadata, now);
  return total;
}

/** Reaction to OrderReturned: refund `amount` from the order's captured payments, oldest first. */
export async function refundReturnedOrder(
  tx: PaymentsTx,
  orderId: string,
  amount: number,
  metadata: EventMetadata,
  now: Date,
): Promise<number> {
  let left = amount;
  for (const id of await lockPaymentsOfOrder(tx, orderId)) {
    if (left <= 0) break;
    left -= await refundRemaining(tx, id, { reason: "order returned", limit: left }, metadata, now);
  }
  return amount - left;
}
