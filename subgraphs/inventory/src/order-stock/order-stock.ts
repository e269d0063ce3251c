import type { Decision } from "@shopstream/commands";
import type { NewEvent } from "@shopstream/outbox";
import type { Reservation, ReservationStatus } from "../reservations/reservation.ts";
import { withEvent } from "../shared/decision.ts";

/**
 * Pure domain for the OrderStock aggregate: what inventory holds for one order of the ordering
 * context (aggregate id = order id). It is created by OrderConfirmed, either RESERVED (every line
 * holds a reservation) or SHORTAGE (nothing reserved); then
 *
 *   RESERVED → CONFIRMED (OrderPaid) → PARTIALLY_COMMITTED / COMMITTED (shipments)
 *   RESERVED / CONFIRMED / PARTIALLY_COMMITTED → RELEASED (OrderCancelled)
 *
 * Any other order event for a state is a no-op (no event): events are at-least-once and a late
 * or repeated one must change nothing. SHORTAGE, COMMITTED and RELEASED are terminal. See
 * docs/inventory.md, "Reactions to other contexts' events".
 */

export const ORDER_STOCK_STATUSES = [
  "RESERVED",
  "SHORTAGE",
  "CONFIRMED",
  "PARTIALLY_COMMITTED",
  "COMMITTED",
  "RELEASED",
] as const;
export type OrderStockStatus = (typeof ORDER_STOCK_STATUSES)[number];

/** One order line and the reservation holding its units (a line is never split). */
export interface OrderStockLine {
  lineId: string;
  variantId: string;
  quantity: number;
  reservationId: string;
  stockItemId: string;
  /** Set once the line's reservation was committed by a shipment. */
  committed: boolean;
}

export interface OrderStock {
  orderId: string;
  status: OrderStockStatus;
  lines: OrderStockLine[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderLine {
  lineId: string;
  variantId: string;
  quantity: number;
}

export interface Shortage {
  variantId: string;
  requested: number;
  available: number;
}

type OrderStockEventType =
  | "OrderStockReserved"
  | "OrderStockShortage"
  | "OrderStockConfirmed"
  | "OrderStockCommitted"
  | "OrderStockReleased";

export type OrderStockEvent = NewEvent<OrderStockEventType, Record<string, unknown>>;

export type OrderStockDecision = Decision<OrderStock, OrderStockEvent>;

/** A reservation the order expected to hold but no longer does (released or expired). */
export interface LostReservation {
  reservationId: string;
  lineId: string;
  variantId: string;
  quantity: number;
  /** The reservation's status, or EXPIRED for an ACTIVE one past its expiry. */
  reservationStatus: ReservationStatus | "EXPIRED";
}

const decided = (state: OrderStock, type: OrderStockEventType, payload: Record<string, unknown>) =>
  withEvent(state, { type: "OrderStock", id: state.orderId }, type, {
    orderId: state.orderId,
    ...payload,
  });

const lineOut = (l: OrderStockLine) => ({
  lineId: l.lineId,
  reservationId: l.reservationId,
  variantId: l.variantId,
  stockItemId: l.stockItemId,
  quantity: l.quantity,
});

/**
 * Lines in the order they are reserved: by variant, so concurrent orders lock stock rows in one
 * global order (fewer deadlocks), then by line id for a stable result.
 */
export function reservationOrder(lines: OrderLine[]): OrderLine[] {
  return [...lines].sort(
    (a, b) => a.variantId.localeCompare(b.variantId) || a.lineId.localeCompare(b.lineId),
  );
}

/** Every line is held: the aggregate starts RESERVED (version 1). */
export function reserved(
  orderId: string,
  held: { line: OrderLine; reservation: Reservation }[],
  now: Date,
): OrderStockDecision {
  const state: OrderStock = {
    orderId,
    status: "RESERVED",
    lines: held.map(({ line, reservation }) => ({
      lineId: line.lineId,
      variantId: line.variantId,
      quantity: line.quantity,
      reservationId: reservation.id,
      stockItemId: reservation.stockItemId,
      committed: false,
    })),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const expiresAt = new Map(held.map((h) => [h.reservation.id, h.reservation.expiresAt]));
  return decided(state, "OrderStockReserved", {
    status: state.status,
    reservations: state.lines.map((l) => ({
      ...lineOut(l),
      expiresAt: expiresAt.get(l.reservationId)?.toISOString(),
    })),
  });
}

/** Some line could not be held: nothing is reserved, the aggregate starts SHORTAGE (version 1). */
export function shortage(orderId: string, shortages: Shortage[], now: Date): OrderStockDecision {
  const state: OrderStock = {
    orderId,
    status: "SHORTAGE",
    lines: [],
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  return decided(state, "OrderStockShortage", { status: state.status, shortages });
}

/**
 * The next version of `os` with `patch`, and its event saying which status it left and reached.
 */
function moved(
  os: OrderStock,
  patch: Partial<OrderStock>,
  now: Date,
  type: OrderStockEventType,
  payload: Record<string, unknown>,
): OrderStockDecision {
  const state = { ...os, ...patch, version: os.version + 1, updatedAt: now };
  return decided(state, type, { previousStatus: os.status, status: state.status, ...payload });
}

/** The lines held by the given reservations, as events list them. */
const linesOf = (os: OrderStock, reservationIds: string[]) => {
  const ids = new Set(reservationIds);
  return os.lines.filter((l) => ids.has(l.reservationId)).map(lineOut);
};

/** OrderPaid applies only to RESERVED stock; otherwise it changes nothing. */
export const canConfirm = (os: OrderStock | null): os is OrderStock => os?.status === "RESERVED";

/** RESERVED → CONFIRMED, listing the reservations confirmed and any no longer held. */
export function confirmed(
  os: OrderStock,
  confirmedIds: string[],
  lost: LostReservation[],
  now: Date,
): OrderStockDecision {
  return moved(os, { status: "CONFIRMED" }, now, "OrderStockConfirmed", {
    reservations: linesOf(os, confirmedIds),
    lost,
  });
}

/** What a recorded shipment says: the lines it shipped, and the units of each line left to ship. */
export interface ShipmentProgress {
  lines: { lineId: string }[];
  unshipped: { lineId: string; quantity: number }[];
}

const SHIPPABLE: readonly OrderStockStatus[] = ["RESERVED", "CONFIRMED", "PARTIALLY_COMMITTED"];

/**
 * The lines a shipment completes: not yet committed and with no unit left to ship (per the
 * shipment's `unshipped`, or, when a line is missing there, shipped by this shipment). A
 * reservation is committed whole, so a partly shipped line commits when its last unit ships.
 */
export function linesToCommit(os: OrderStock | null, shipment: ShipmentProgress): OrderStockLine[] {
  if (!os || !SHIPPABLE.includes(os.status)) return [];
  const left = new Map(shipment.unshipped.map((u) => [u.lineId, u.quantity]));
  const shipped = new Set(shipment.lines.map((l) => l.lineId));
  return os.lines.filter((l) => {
    if (l.committed) return false;
    const remaining = left.get(l.lineId);
    return remaining === undefined ? shipped.has(l.lineId) : remaining === 0;
  });
}

/** Marks the lines committed: COMMITTED when every line is, else PARTIALLY_COMMITTED. */
export function committed(
  os: OrderStock,
  shipmentId: string,
  committedIds: string[],
  lost: LostReservation[],
  now: Date,
): OrderStockDecision {
  const ids = new Set(committedIds);
  const lines = os.lines.map((l) => (ids.has(l.reservationId) ? { ...l, committed: true } : l));
  const status = lines.every((l) => l.committed) ? "COMMITTED" : "PARTIALLY_COMMITTED";
  return moved(os, { status, lines }, now, "OrderStockCommitted", {
    shipmentId,
    lines: linesOf(os, committedIds),
    lost,
  });
}

/** OrderCancelled releases only while something may still be held; otherwise it is a no-op. */
export const canRelease = (os: OrderStock | null): os is OrderStock =>
  os !== null && SHIPPABLE.includes(os.status);

/** The lines whose reservations a cancellation releases (those not shipped). */
export const linesToRelease = (os: OrderStock) => os.lines.filter((l) => !l.committed);

/** → RELEASED (terminal), listing what was released. */
export function released(
  os: OrderStock,
  reason: string,
  releasedIds: string[],
  now: Date,
): OrderStockDecision {
  return moved(os, { status: "RELEASED" }, now, "OrderStockReleased", {
    reason,
    reservations: linesOf(os, releasedIds),
  });
}
