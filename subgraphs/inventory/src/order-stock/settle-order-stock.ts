import { changeAggregateIn } from "@shopstream/commands";
import type { EventMetadata } from "@shopstream/outbox";
import type { InventoryTx } from "../db.ts";
import { applyReservationAction } from "../reservations/change-reservation.ts";
import { lockReservations } from "../reservations/reservation.repository.ts";
import {
  MAX_TTL_SECONDS,
  type Reservation,
  type ReservationAction,
} from "../reservations/reservation.ts";
import { hasOrderStock, orderStockStore } from "./order-stock.repository.ts";
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
  type ShipmentProgress,
} from "./order-stock.ts";

/**
 * The order-stock reactions after reservation: each runs inside the consumer's transaction, locks
 * the order's record and its reservations, moves every reservation through the existing
 * transition path (so StockItem and Reservation events are raised as for the mutations), then
 * saves OrderStock with one event. A state the event does not apply to is a no-op, and so is an
 * order inventory never recorded.
 */

/** Where a reaction runs: the consumer's transaction, the causing event's metadata, its clock. */
export interface Reaction {
  tx: InventoryTx;
  metadata: EventMetadata;
  now: Date;
}

const isHeld = (r: Reservation) => r.status === "ACTIVE" || r.status === "CONFIRMED";
const isOpen = (r: Reservation, now: Date) => isHeld(r) && r.expiresAt.getTime() > now.getTime();

function lostOf(line: OrderStockLine, r: Reservation | undefined, now: Date): LostReservation {
  return {
    reservationId: line.reservationId,
    lineId: line.lineId,
    variantId: line.variantId,
    quantity: line.quantity,
    reservationStatus: r && (!isHeld(r) || isOpen(r, now)) ? r.status : "EXPIRED",
  };
}

/** Changes the order's record (locked while it is loaded), unless inventory never recorded it. */
async function settle(
  { tx, metadata, now }: Reaction,
  orderId: string,
  decide: (os: OrderStock) => Promise<OrderStockDecision>,
): Promise<OrderStock | null> {
  if (!(await hasOrderStock(tx, orderId))) return null;
  return changeAggregateIn(tx, orderStockStore, orderId, decide, metadata, now);
}

/**
 * Moves the reservation of each line that `applies` to on with `actions` (locking them all
 * first); the lines whose reservation is no longer held are `lost`.
 */
async function moveReservations(
  { tx, metadata, now }: Reaction,
  lines: OrderStockLine[],
  applies: (r: Reservation) => boolean,
  actions: (r: Reservation) => ReservationAction[],
) {
  const locked = await lockReservations(
    tx,
    lines.map((l) => l.reservationId),
  );
  const byId = new Map(locked.map((r) => [r.id, r]));
  const done: string[] = [];
  const lost: LostReservation[] = [];
  for (const line of lines) {
    const r = byId.get(line.reservationId);
    if (!r || !applies(r)) {
      lost.push(lostOf(line, r, now));
      continue;
    }
    for (const action of actions(r)) await applyReservationAction(tx, r.id, action, metadata, now);
    done.push(r.id);
  }
  return { done, lost };
}

const unchanged = (os: OrderStock): OrderStockDecision => ({ state: os, events: [] });

/**
 * OrderPaid → confirms the order's ACTIVE reservations and extends their expiry to the maximum
 * (7 days) so paid stock stays held until it ships. Reservations released or expired meanwhile
 * are listed as `lost` in OrderStockConfirmed.
 */
export const confirmOrderStock = (reaction: Reaction, orderId: string) =>
  settle(reaction, orderId, async (os) => {
    if (!canConfirm(os)) return unchanged(os);
    const { done, lost } = await moveReservations(
      reaction,
      os.lines,
      (r) => isOpen(r, reaction.now),
      (r) => (r.status === "ACTIVE" ? [{ kind: "confirm", ttlSeconds: MAX_TTL_SECONDS }] : []),
    );
    return confirmed(os, done, lost, reaction.now);
  });

/**
 * OrderShipmentRecorded → commits the reservations of the lines the shipment completes (an
 * unpaid ACTIVE one is confirmed first, as commit requires CONFIRMED). A shipment completing no
 * line changes nothing.
 */
export const commitOrderStock = (
  reaction: Reaction,
  orderId: string,
  shipment: ShipmentProgress & { shipmentId: string },
) =>
  settle(reaction, orderId, async (os) => {
    const lines = linesToCommit(os, shipment);
    if (lines.length === 0) return unchanged(os);
    const { done, lost } = await moveReservations(
      reaction,
      lines,
      (r) => isOpen(r, reaction.now),
      (r) =>
        r.status === "ACTIVE" ? [{ kind: "confirm" }, { kind: "commit" }] : [{ kind: "commit" }],
    );
    return committed(os, shipment.shipmentId, done, lost, reaction.now);
  });

/**
 * OrderCancelled → releases every reservation the order still holds (ACTIVE or CONFIRMED, reason
 * CANCELLED) and ends RELEASED: exactly once, since a RELEASED (or SHORTAGE, COMMITTED, unknown)
 * order is left alone.
 */
export const releaseOrderStock = (reaction: Reaction, orderId: string, reason: string) =>
  settle(reaction, orderId, async (os) => {
    if (!canRelease(os)) return unchanged(os);
    const { done } = await moveReservations(reaction, linesToRelease(os), isHeld, () => [
      { kind: "release", reason: "CANCELLED" },
    ]);
    return released(os, reason, done, reaction.now);
  });
