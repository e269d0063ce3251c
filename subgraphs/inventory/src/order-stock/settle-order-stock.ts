import { appendToOutbox, type EventMetadata, toEnvelope } from "@shopstream/outbox";
import type { InventoryDb } from "../db.ts";
import { applyReservationAction } from "../reservations/change-reservation.ts";
import { lockReservations } from "../reservations/reservation.repository.ts";
import { MAX_TTL_SECONDS, type Reservation } from "../reservations/reservation.ts";
import { lockOrderStock, saveOrderStock } from "./order-stock.repository.ts";
import {
  canConfirm,
  canRelease,
  committed,
  confirmed,
  type LostReservation,
  linesToCommit,
  linesToRelease,
  type OrderStock,
  type OrderStockDecision,
  type OrderStockLine,
  released,
} from "./order-stock.ts";

/**
 * The order-stock reactions after reservation: each runs inside the caller's transaction, locks
 * the order's record and its reservations, moves every reservation through the existing
 * transition path (so StockItem and Reservation events are raised as for the mutations), then
 * saves OrderStock with one event. A state the event does not apply to is a no-op.
 */

const isOpen = (r: Reservation, now: Date) =>
  (r.status === "ACTIVE" || r.status === "CONFIRMED") && r.expiresAt.getTime() > now.getTime();

function lostOf(line: OrderStockLine, r: Reservation | undefined, now: Date): LostReservation {
  return {
    reservationId: line.reservationId,
    lineId: line.lineId,
    variantId: line.variantId,
    quantity: line.quantity,
    reservationStatus:
      !r || r.status === "ACTIVE" || r.status === "CONFIRMED"
        ? r && r.expiresAt.getTime() > now.getTime()
          ? r.status
          : "EXPIRED"
        : r.status,
  };
}

async function lockLines(tx: InventoryDb, lines: OrderStockLine[]) {
  const rows = await lockReservations(
    tx,
    lines.map((l) => l.reservationId),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

async function save(
  tx: InventoryDb,
  loaded: OrderStock,
  decision: OrderStockDecision,
  metadata: EventMetadata,
  now: Date,
): Promise<OrderStock> {
  await saveOrderStock(tx, decision.state, loaded.version);
  await appendToOutbox(tx, [toEnvelope(decision.event, metadata, now)]);
  return decision.state;
}

/**
 * OrderPaid → confirms the order's ACTIVE reservations and extends their expiry to the maximum
 * (7 days) so paid stock stays held until it ships. Reservations released or expired meanwhile
 * are listed as `lost` in OrderStockConfirmed.
 */
export async function confirmOrderStock(
  tx: InventoryDb,
  orderId: string,
  metadata: EventMetadata,
  now: Date,
): Promise<OrderStock | null> {
  const os = await lockOrderStock(tx, orderId);
  if (!canConfirm(os)) return os;
  const reservations = await lockLines(tx, os.lines);
  const done: string[] = [];
  const lost: LostReservation[] = [];
  for (const line of os.lines) {
    const r = reservations.get(line.reservationId);
    if (r && r.status === "ACTIVE" && isOpen(r, now)) {
      await applyReservationAction(
        tx,
        r.id,
        { kind: "confirm", ttlSeconds: MAX_TTL_SECONDS },
        metadata,
        now,
      );
      done.push(r.id);
    } else if (r?.status === "CONFIRMED" && isOpen(r, now)) {
      done.push(r.id);
    } else {
      lost.push(lostOf(line, r, now));
    }
  }
  return save(tx, os, confirmed(os, done, lost, now), metadata, now);
}

/**
 * OrderShipmentRecorded → commits the reservations of the lines the shipment completes (an
 * unpaid ACTIVE one is confirmed first, as commit requires CONFIRMED). A shipment completing no
 * line changes nothing.
 */
export async function commitOrderStock(
  tx: InventoryDb,
  orderId: string,
  shipment: {
    shipmentId: string;
    lines: { lineId: string }[];
    unshipped: { lineId: string; quantity: number }[];
  },
  metadata: EventMetadata,
  now: Date,
): Promise<OrderStock | null> {
  const os = await lockOrderStock(tx, orderId);
  const lines = linesToCommit(os, shipment);
  if (!os || lines.length === 0) return os;
  const reservations = await lockLines(tx, lines);
  const done: string[] = [];
  const lost: LostReservation[] = [];
  for (const line of lines) {
    const r = reservations.get(line.reservationId);
    if (!r || !isOpen(r, now)) {
      lost.push(lostOf(line, r, now));
      continue;
    }
    if (r.status === "ACTIVE") {
      await applyReservationAction(tx, r.id, { kind: "confirm" }, metadata, now);
    }
    await applyReservationAction(tx, r.id, { kind: "commit" }, metadata, now);
    done.push(r.id);
  }
  return save(tx, os, committed(os, shipment.shipmentId, done, lost, now), metadata, now);
}

/**
 * OrderCancelled → releases every reservation the order still holds (ACTIVE or CONFIRMED, reason
 * CANCELLED) and ends RELEASED: exactly once, since a RELEASED (or SHORTAGE, COMMITTED, unknown)
 * order is left alone.
 */
export async function releaseOrderStock(
  tx: InventoryDb,
  orderId: string,
  reason: string,
  metadata: EventMetadata,
  now: Date,
): Promise<OrderStock | null> {
  const os = await lockOrderStock(tx, orderId);
  if (!canRelease(os)) return os;
  const lines = linesToRelease(os);
  const reservations = await lockLines(tx, lines);
  const done: string[] = [];
  for (const line of lines) {
    const r = reservations.get(line.reservationId);
    if (r && (r.status === "ACTIVE" || r.status === "CONFIRMED")) {
      await applyReservationAction(
        tx,
        r.id,
        { kind: "release", reason: "CANCELLED" },
        metadata,
        now,
      );
      done.push(r.id);
    }
  }
  return save(tx, os, released(os, reason, done, now), metadata, now);
}
