import type { AggregateStore } from "@shopstream/commands";
import type { PaymentsTx } from "../context.ts";
import type { PaymentsDb } from "../db.ts";
import { type Payment, type Refund, refundedOrPending } from "./payment.ts";

type Row = {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  status: Payment["status"];
  attempts: number;
  idempotencyKey: string;
  captured: number;
  version: number;
  refunds: { id: string; amount: number; status: Refund["status"]; reason: string | null }[];
};

export function toPayment(row: Row): Payment {
  return {
    id: row.id,
    orderId: row.orderId,
    amount: { amount: row.amount, currency: row.currency },
    status: row.status,
    attempts: row.attempts,
    idempotencyKey: row.idempotencyKey,
    captured: row.captured,
    refunds: row.refunds.map((r) => ({
      id: r.id,
      amount: r.amount,
      status: r.status,
      reason: r.reason,
    })),
    version: row.version,
  };
}

const withRefunds = { refunds: { orderBy: { createdAt: "asc" } } } as const;

/**
 * Loads a payment and locks its row until the transaction ends: payment changes (webhooks,
 * retries, refunds) on one payment are serialised, so refunds can never be promised twice over.
 */
export async function loadPaymentForUpdate(tx: PaymentsDb, id: string): Promise<Payment | null> {
  const locked = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM payment WHERE id = ${id}::uuid FOR UPDATE`;
  if (locked.length === 0) return null;
  const row = await tx.payment.findUniqueOrThrow({ where: { id }, include: withRefunds });
  return toPayment(row);
}

/** Locks every payment of an order, oldest first (a cancellation or return refunds them). */
export async function lockPaymentsOfOrder(tx: PaymentsDb, orderId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM payment WHERE order_id = ${orderId}::uuid ORDER BY created_at FOR UPDATE`;
  return rows.map((r) => r.id);
}

export async function findPaymentByKey(db: PaymentsDb, idempotencyKey: string) {
  return db.payment.findUnique({ where: { idempotencyKey }, include: withRefunds });
}

/** A new payment with the fingerprint of the request that asked for it (idempotency). */
export async function insertPayment(
  tx: PaymentsDb,
  p: Payment,
  requestFingerprint: string,
  now: Date,
): Promise<void> {
  await tx.payment.create({
    data: {
      id: p.id,
      orderId: p.orderId,
      amount: p.amount.amount,
      currency: p.amount.currency,
      status: p.status,
      attempts: p.attempts,
      idempotencyKey: p.idempotencyKey,
      requestFingerprint,
      version: p.version,
      createdAt: now,
      updatedAt: now,
    },
  });
}

/**
 * Writes the decided state guarded by the loaded version; false when nothing matched. The row is
 * locked by the load, so a miss means something bypassed the lock: the command answers CONFLICT.
 */
export async function savePayment(
  tx: PaymentsDb,
  before: Payment,
  after: Payment,
  now: Date,
): Promise<boolean> {
  const { count } = await tx.payment.updateMany({
    where: { id: before.id, version: before.version },
    data: {
      status: after.status,
      attempts: after.attempts,
      captured: after.captured,
      refundReserved: refundedOrPending(after),
      version: after.version,
      updatedAt: now,
    },
  });
  if (count !== 1) return false;
  for (const refund of after.refunds) {
    const previous = before.refunds.find((r) => r.id === refund.id);
    if (!previous) {
      await tx.refund.create({
        data: {
          id: refund.id,
          paymentId: before.id,
          amount: refund.amount,
          reason: refund.reason,
          status: refund.status,
          createdAt: now,
        },
      });
    } else if (previous.status !== refund.status) {
      await tx.refund.update({
        where: { id: refund.id },
        data: {
          status: refund.status,
          ...(refund.status === "COMPLETED" ? { completedAt: now } : {}),
        },
      });
    }
  }
  return true;
}

// The entity as NOT_FOUND names it: the same name the policy table's answer to another
// customer's payment uses, so the two cannot be told apart.
export const paymentStore: AggregateStore<Payment, PaymentsTx> = {
  entity: "Payment",
  load: loadPaymentForUpdate,
  save: savePayment,
};
