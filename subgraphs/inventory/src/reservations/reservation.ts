import { DomainError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import {
  cleanText,
  collect,
  intProblem,
  optionalText,
  throwIfAny,
  uuidProblem,
} from "@shopstream/rules";
import { quantityProblem } from "../shared/rules.ts";
import type { StockChange, StockLevels, StockPlan } from "../stock/stock-levels.ts";

/**
 * Pure domain for the Reservation aggregate: ACTIVE → CONFIRMED → COMMITTED, ACTIVE or
 * CONFIRMED → RELEASED; anything else is INVALID_STATE_TRANSITION (docs/inventory.md,
 * "Reservation"). Each transition says what it does to the stock item's quantities (a StockPlan
 * the database applies in a guarded update).
 */

export const RESERVATION_STATUSES = ["ACTIVE", "CONFIRMED", "COMMITTED", "RELEASED"] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export interface Reservation {
  id: string;
  stockItemId: string;
  orderId: string | null;
  quantity: number;
  status: ReservationStatus;
  expiresAt: Date;
  releaseReason: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const DEFAULT_TTL_SECONDS = 15 * 60;
export const MAX_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface ReserveStockCommand {
  stockItemId: string;
  quantity: number;
  orderId?: string | null;
  /** Time to live; 15 minutes when omitted. */
  ttlSeconds?: number | null;
}

const ttlProblem = (ttlSeconds: number | null | undefined) =>
  intProblem(ttlSeconds, { min: 1, max: MAX_TTL_SECONDS });

/** Checks a reservation request and plans it: `reserved` rises by the quantity. */
export function planReservation(command: ReserveStockCommand): StockPlan {
  throwIfAny(
    collect([
      ["stockItemId", uuidProblem(command.stockItemId)],
      ["quantity", quantityProblem(command.quantity)],
      ["orderId", uuidProblem(command.orderId)],
      ["ttlSeconds", ttlProblem(command.ttlSeconds)],
    ]),
  );
  return { reserved: command.quantity };
}

/** The new reservation, once the stock is held (version 1, ACTIVE). */
export function newReservation(command: ReserveStockCommand, id: string, now: Date): Reservation {
  const ttl = command.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  return {
    id,
    stockItemId: command.stockItemId,
    orderId: command.orderId ?? null,
    quantity: command.quantity,
    status: "ACTIVE",
    expiresAt: new Date(now.getTime() + ttl * 1000),
    releaseReason: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

export type ReservationAction =
  | { kind: "confirm"; ttlSeconds?: number | null }
  | { kind: "commit" }
  | { kind: "release"; reason?: string | null };

const ALLOWED: Record<
  ReservationAction["kind"],
  { from: ReservationStatus[]; to: ReservationStatus }
> = {
  confirm: { from: ["ACTIVE"], to: "CONFIRMED" },
  commit: { from: ["CONFIRMED"], to: "COMMITTED" },
  release: { from: ["ACTIVE", "CONFIRMED"], to: "RELEASED" },
};

/**
 * Decides a transition at `now`. An open reservation past its expiry can no longer be confirmed
 * or committed (the expiry job will release it); releasing it is always allowed. Confirming may
 * extend the expiry (`ttlSeconds` from now), e.g. to cover shipping.
 */
export function transition(r: Reservation, action: ReservationAction, now: Date): Reservation {
  throwIfAny(
    action.kind === "confirm"
      ? collect([["ttlSeconds", ttlProblem(action.ttlSeconds)]])
      : action.kind === "release"
        ? collect([["reason", optionalText(action.reason, 500)]])
        : [],
  );
  const rule = ALLOWED[action.kind];
  if (!rule.from.includes(r.status)) {
    throw DomainError.invalidTransition("reservation", r.status, action.kind);
  }
  if (action.kind !== "release" && r.expiresAt.getTime() <= now.getTime()) {
    throw DomainError.invalidTransition("reservation", "EXPIRED", action.kind);
  }
  return {
    ...r,
    status: rule.to,
    version: r.version + 1,
    updatedAt: now,
    expiresAt:
      action.kind === "confirm" && action.ttlSeconds != null
        ? new Date(now.getTime() + action.ttlSeconds * 1000)
        : r.expiresAt,
    releaseReason: action.kind === "release" ? (cleanText(action.reason) ?? "CANCELLED") : null,
  };
}

/** What a transition of `r` does to its stock item; null when the quantities stay as they are. */
export function stockPlanOf(r: Reservation, action: ReservationAction): StockPlan | null {
  switch (action.kind) {
    case "commit":
      return { onHand: -r.quantity, reserved: -r.quantity };
    case "release":
      return { reserved: -r.quantity };
    case "confirm":
      return null;
  }
}

// ---- Events ----

type ReservationEventType =
  | "ReservationCreated"
  | "ReservationConfirmed"
  | "ReservationCommitted"
  | "ReservationReleased";

export type ReservationEvent = NewEvent<ReservationEventType, Record<string, unknown>>;

const EVENT_OF: Record<ReservationAction["kind"], ReservationEventType> = {
  confirm: "ReservationConfirmed",
  commit: "ReservationCommitted",
  release: "ReservationReleased",
};

/** The stock-side event type of a transition that changes quantities. */
export const STOCK_EVENT_OF = {
  reserve: "StockReserved",
  commit: "ReservedStockCommitted",
  release: "ReservedStockReleased",
} as const;

interface StockContext {
  variantId: string;
  warehouseId: string;
  previous: StockLevels;
  current: StockLevels;
}

export function stockContextOf(change: StockChange): StockContext {
  return {
    variantId: change.variantId,
    warehouseId: change.warehouseId,
    previous: change.previous,
    current: change.current,
  };
}

/** What a reservation's events and its stock item's reservation events carry about it. */
export function reservationDetails(r: Reservation) {
  return {
    reservationId: r.id,
    orderId: r.orderId,
    quantity: r.quantity,
    status: r.status,
    expiresAt: r.expiresAt.toISOString(),
    ...(r.status === "RELEASED" ? { reason: r.releaseReason } : {}),
  };
}

/** The Reservation aggregate's event for its new state (creation or a transition). */
export function reservationEvent(
  r: Reservation,
  action: ReservationAction["kind"] | "create",
  stock: StockContext,
  previousStatus: ReservationStatus | null,
): ReservationEvent {
  return {
    type: action === "create" ? "ReservationCreated" : EVENT_OF[action],
    aggregateType: "Reservation",
    aggregateId: r.id,
    aggregateVersion: r.version,
    payload: {
      ...reservationDetails(r),
      previousStatus,
      stockItemId: r.stockItemId,
      ...stock,
    },
  };
}
