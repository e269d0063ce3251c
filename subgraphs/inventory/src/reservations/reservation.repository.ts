import { DomainError } from "@shopstream/errors";
import type { InventoryDb } from "../db.ts";
import type { Reservation as ReservationRow } from "../generated/prisma/client.ts";
import type { Reservation } from "./reservation.ts";

export const toReservation = (row: ReservationRow): Reservation => ({
  id: row.id,
  stockItemId: row.stockItemId,
  orderId: row.orderId,
  quantity: row.quantity,
  status: row.status,
  expiresAt: row.expiresAt,
  releaseReason: row.releaseReason,
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export async function findReservations(db: InventoryDb, ids: string[]): Promise<Reservation[]> {
  return (await db.reservation.findMany({ where: { id: { in: ids } } })).map(toReservation);
}

export async function loadReservation(db: InventoryDb, id: string): Promise<Reservation> {
  const row = await db.reservation.findUnique({ where: { id } });
  if (!row) throw DomainError.notFound("reservation", id);
  return toReservation(row);
}

export async function insertReservation(db: InventoryDb, r: Reservation): Promise<void> {
  await db.reservation.create({ data: r });
}

/** Saves `r` if the stored version is still `expectedVersion`; otherwise CONFLICT. */
export async function saveReservation(
  db: InventoryDb,
  r: Reservation,
  expectedVersion: number,
): Promise<void> {
  const { id, stockItemId: _s, createdAt: _c, ...fields } = r;
  const updated = await db.reservation.updateMany({
    where: { id, version: expectedVersion },
    data: fields,
  });
  if (updated.count === 0) throw DomainError.conflict("reservation", id);
}

/**
 * Locks one open reservation past its expiry that no other transaction holds, or returns null.
 * SKIP LOCKED lets several expiry jobs run at once without waiting on, or releasing twice, the
 * same reservation.
 */
export async function claimExpiredReservation(db: InventoryDb, now: Date): Promise<string | null> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM reservation
     WHERE status IN ('ACTIVE', 'CONFIRMED') AND expires_at <= $1::timestamptz
     ORDER BY expires_at
     LIMIT 1
     FOR UPDATE SKIP LOCKED`,
    now,
  );
  return rows[0]?.id ?? null;
}

/** The reservations of some orders, oldest first (for `Order.reservations`). */
export async function findReservationsOfOrders(
  db: InventoryDb,
  orderIds: string[],
): Promise<Reservation[]> {
  const rows = await db.reservation.findMany({
    where: { orderId: { in: orderIds } },
    orderBy: { id: "asc" },
  });
  return rows.map(toReservation);
}

/**
 * Loads the given reservations and locks them for the rest of the transaction: the expiry job
 * (FOR UPDATE SKIP LOCKED) then leaves them alone instead of racing the caller.
 */
export async function lockReservations(db: InventoryDb, ids: string[]): Promise<Reservation[]> {
  if (ids.length === 0) return [];
  await db.$queryRawUnsafe(
    "SELECT id FROM reservation WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE",
    ids,
  );
  return findReservations(db, ids);
}

/**
 * Candidate stock items of a variant to reserve from: in active warehouses, the default warehouse
 * first, then by id (`available` as read, unlocked: the guarded update decides).
 */
export async function stockItemsForVariant(
  db: InventoryDb,
  variantId: string,
): Promise<{ id: string; available: number }[]> {
  const rows = await db.stockItem.findMany({
    where: { variantId, warehouse: { active: true } },
    include: { warehouse: { select: { isDefault: true } } },
    orderBy: { id: "asc" },
  });
  return rows
    .sort((a, b) => Number(b.warehouse.isDefault) - Number(a.warehouse.isDefault))
    .map((r) => ({ id: r.id, available: r.onHand - r.reserved }));
}
