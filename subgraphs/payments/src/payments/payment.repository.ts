import type { PaymentsDb } from "../db.ts";
import type { Payment, Refund } from "./payment.ts";

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

export async function findPaymentByKey(db: PaymentsDb, idempotencyKey: string) {
  return db.payment.findUnique({ where: { idempotencyKey }, include: withRefunds });
}

/** Writes the decided state; the row is locked, so the version check is a safety net. */
export async function savePayment(
  tx: PaymentsDb,
  before: Payment,
  after: Payment,
  now: Date,
): Promise<void> {
  if (after.version === before.version) return;
  const reserved = after.refunds
    .filter((r) => r.status !== "FAILED")
    .reduce((s, r) => s + r.amount, 0);
  const { count } = await tx.payment.updateMany({
    where: { id: before.id, version: before.version },
    data: {
      status: after.status,
      attempts: after.attempts,
      captured: after.captured,
      refundReserved: reserved,
      version: after.version,
      updatedAt: now,
    },
  });
  if (count !== 1) throw new Error(`payment ${before.id} changed under its row lock`);
  const known = new Set(before.refunds.map((r) => r.id));
  for (const refund of after.refunds) {
    const previous = before.refunds.find((r) => r.id === refund.id);
    if (!known.has(refund.id)) {
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
    } else if (previous?.status !== refund.status) {
      await tx.refund.update({
        where: { id: refund.id },
        data: {
          status: refund.status,
          ...(refund.status === "COMPLETED" ? { completedAt: now } : {}),
        },
      });
    }
  }
}
