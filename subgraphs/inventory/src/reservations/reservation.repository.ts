import type { AggregateStore } from "@shopstream/commands";
import type { InventoryDb, InventoryTx } from "../db.ts";
import type { Reservation } from "./reservation.ts";

// A reservation row is the aggregate's state as it is: no mapping either way.

export function findReservations(db: InventoryDb, ids: string[]): Promise<Reservation[]> {
  return db.reservation.findMany({ where: { id: { in: ids } } });
}

export function findReservation(db: InventoryDb, id: string): Promise<Reservation | null> {
  return db.reservation.findUnique({ where: { id } });
}

export async function insertReservation(db: InventoryDb, r: Reservation): Promise<void> {
  await db.reservation.create({ data: r });
}

/** Saves guarded by the loaded version: false when a change came first. */
export const reservationStore: AggregateStore<Reservation, InventoryTx> = {
  entity: "reservation",
  load: findReservation,
  async save(db, loaded, next) {
    const { id, stockItemId: _s, createdAt: _c, ...data } = next;
    const where = { id, version: loaded.version };
    return (await db.reservation.updateMany({ where, data })).count > 0;
  },
};

/**
 * Locks `r`'s row if it is still at `r`'s version, waiting while a concurrent change holds it;
 * false when that change committed first.
 */
export async function lockReservationAt(db: InventoryDb, r: Reservation): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<unknown[]>(
    "SELECT 1 FROM reservation WHERE id = $1::uuid AND version = $2 FOR UPDATE",
    r.id,
    r.version,
  );
  return rows.length > 0;
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
  return db.reservation.findMany({ where: { orderId: { in: orderIds } }, orderBy: { id: "asc" } });
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
