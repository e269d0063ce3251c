import { createHash } from "node:crypto";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { isCurrency } from "@shopstream/money";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import type { PaymentsDb, PaymentsPrisma } from "../db.ts";
import {
  findPaymentByKey,
  loadPaymentForUpdate,
  savePayment,
  toPayment,
} from "./payment.repository.ts";
import * as domain from "./payment.ts";

export interface PaymentsDeps {
  prisma: PaymentsPrisma;
  now?: () => Date;
}

export interface InitiatePaymentInput {
  orderId: string;
  amount: { amount: number; currency: string };
  idempotencyKey: string;
}

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
    tx?: PaymentsDb;
    /** The payment's id when the caller chose it (the checkout saga derives it); else a new one. */
    id?: string;
  } = {},
): Promise<domain.Payment> {
  const now = deps.now?.() ?? new Date();
  if (!isCurrency(input.amount.currency)) {
    throw DomainError.validation([
      { field: "amount.currency", message: "must be an ISO 4217 code" },
    ]);
  }
  const decision = domain.initiatePayment({ id: opts.id ?? newId(), ...input });
  const print = fingerprint(input);
  const existing = async (db: PaymentsDb = deps.prisma) => {
    const row = await findPaymentByKey(db, input.idempotencyKey);
    if (!row) return null;
    if (row.requestFingerprint !== print) {
      throw DomainError.duplicate(
        "payment",
        "idempotencyKey",
        "This idempotency key was used for a different payment",
      );
    }
    return toPayment(row);
  };
  const insert = async (tx: PaymentsDb) => {
    const p = decision.state;
    await tx.payment.create({
      data: {
        id: p.id,
        orderId: p.orderId,
        amount: p.amount.amount,
        currency: p.amount.currency,
        status: p.status,
        attempts: p.attempts,
        idempotencyKey: p.idempotencyKey,
        requestFingerprint: print,
        version: p.version,
        createdAt: now,
        updatedAt: now,
      },
    });
    await appendToOutbox(
      tx,
      decision.events.map((e) =>
        toEnvelope(e, { ...metadata, idempotencyKey: input.idempotencyKey }, now),
      ),
    );
  };
  if (opts.tx) {
    // Inside a caller's transaction a unique violation would abort it, so concurrent initiations
    // with one key queue on a transaction-scoped advisory lock instead; the later ones then see
    // the first one's committed payment.
    const tx = opts.tx;
    await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${input.idempotencyKey}, 0))) l`;
    const found = await existing(tx);
    if (found) return found;
    await insert(tx);
    return decision.state;
  }
  const found = await existing();
  if (found) return found;
  try {
    await deps.prisma.$transaction(insert);
    return decision.state;
  } catch (error) {
    if (!uniqueViolationFields(error)) throw error;
    const winner = await existing();
    if (!winner) throw error;
    return winner;
  }
}

/** Runs a decision on one locked payment and stores state and events together. */
async function changePayment(
  deps: PaymentsDeps,
  id: string,
  decide: (p: domain.Payment) => domain.Decision,
  metadata: EventMetadata,
  tx?: PaymentsDb,
): Promise<domain.Payment> {
  const now = deps.now?.() ?? new Date();
  const run = async (db: PaymentsDb) => {
    const before = await loadPaymentForUpdate(db, id);
    if (!before) throw DomainError.notFound("payment", id);
    const { state, events } = decide(before);
    await savePayment(db, before, state, now);
    await appendToOutbox(
      db,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
    return state;
  };
  return tx ? run(tx) : deps.prisma.$transaction(run);
}

export const retryPayment = (deps: PaymentsDeps, id: string, metadata: EventMetadata) =>
  changePayment(deps, id, domain.retryPayment, metadata);

export const requestRefund = (
  deps: PaymentsDeps,
  paymentId: string,
  input: { amount: number; reason?: string | null },
  metadata: EventMetadata,
) =>
  changePayment(
    deps,
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
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO provider_webhook (id, type, received_at) VALUES (${webhookId}, ${report.type}, ${now})
      ON CONFLICT (id) DO NOTHING`;
    if (inserted === 0) return "duplicate";
    let stale = false;
    const after = await changePayment(
      deps,
      report.paymentId,
      (p) => {
        if (report.type === "refund.completed")
          return domain.recordRefundCompleted(p, report.refundId);
        if (report.attempt !== p.attempts) {
          stale = true;
          return { state: p, events: [] };
        }
        try {
          return report.type === "payment.succeeded"
            ? domain.recordPaymentSucceeded(p)
            : domain.recordPaymentFailed(p, report.reason);
        } catch (error) {
          // A report that contradicts what is recorded (success for a failed attempt) is kept
          // as received but changes nothing; it is logged by the caller.
          if (error instanceof DomainError && error.code === "INVALID_STATE_TRANSITION") {
            stale = true;
            return { state: p, events: [] };
          }
          throw error;
        }
      },
      metadata,
      tx,
    );
    // A payment that succeeds after its order was cancelled is refunded at once, in the same
    // transaction. The payment row is locked first, so this and the cancellation reaction
    // (refundCancelledOrder) see each other's committed work: exactly one of them refunds.
    if (
      report.type === "payment.succeeded" &&
      !stale &&
      (await isOrderCancelled(tx, after.orderId))
    ) {
      await refundRemaining(
        deps,
        tx,
        after.id,
        "order cancelled before the payment succeeded",
        metadata,
      );
    }
    return stale ? "stale" : "applied";
  });
}

async function isOrderCancelled(tx: PaymentsDb, orderId: string): Promise<boolean> {
  return (await tx.cancelledOrder.count({ where: { orderId } })) > 0;
}

/** Requests a refund of everything still refundable on one payment (nothing if nothing is). */
async function refundRemaining(
  deps: PaymentsDeps,
  tx: PaymentsDb,
  paymentId: string,
  reason: string,
  metadata: EventMetadata,
  limit?: number,
): Promise<number> {
  let refunded = 0;
  await changePayment(
    deps,
    paymentId,
    (p) => {
      const refundable = p.captured - domain.refundedOrPending(p);
      const amount = Math.min(refundable, limit ?? refundable);
      if (amount <= 0 || (p.status !== "SUCCEEDED" && p.status !== "PARTIALLY_REFUNDED"))
        return { state: p, events: [] };
      refunded = amount;
      return domain.requestRefund(p, { id: newId(), amount, reason });
    },
    metadata,
    tx,
  );
  return refunded;
}

/**
 * Reaction to OrderCancelled: remember the cancellation and refund whatever was captured for the
 * order. Idempotent: a second delivery finds nothing left to refund.
 */
export async function refundCancelledOrder(
  deps: PaymentsDeps,
  tx: PaymentsDb,
  orderId: string,
  metadata: EventMetadata,
): Promise<number> {
  const now = deps.now?.() ?? new Date();
  await tx.$executeRaw`
    INSERT INTO cancelled_order (order_id, cancelled_at) VALUES (${orderId}::uuid, ${now}) ON CONFLICT DO NOTHING`;
  const payments = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM payment WHERE order_id = ${orderId}::uuid ORDER BY created_at FOR UPDATE`;
  let total = 0;
  for (const { id } of payments)
    total += await refundRemaining(deps, tx, id, "order cancelled", metadata);
  return total;
}

/** Reaction to OrderReturned: refund `amount` from the order's captured payments, oldest first. */
export async function refundReturnedOrder(
  deps: PaymentsDeps,
  tx: PaymentsDb,
  orderId: string,
  amount: number,
  metadata: EventMetadata,
): Promise<number> {
  const payments = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM payment WHERE order_id = ${orderId}::uuid ORDER BY created_at FOR UPDATE`;
  let left = amount;
  for (const { id } of payments) {
    if (left <= 0) break;
    left -= await refundRemaining(deps, tx, id, "order returned", metadata, left);
  }
  return amount - left;
}
