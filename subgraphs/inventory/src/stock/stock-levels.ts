import { DomainError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import {
  cleanText,
  collect,
  intProblem,
  optionalText,
  type Problem,
  requiredText,
  throwIfAny,
} from "@shopstream/rules";
import { levelProblem, MAX_QUANTITY, quantityProblem } from "../shared/rules.ts";

/**
 * Pure domain for stock quantities (docs/inventory.md, "StockItem"): which movement changes which
 * quantity, the invariants every stock item keeps, the low-stock rule and the events a change
 * raises. The database applies a plan in one guarded statement (stock.repository.ts) that
 * mirrors `applyPlan` and `lowStockAfter` exactly, so concurrent movements can never oversell;
 * these functions are the specification that statement is tested against.
 */

export interface StockLevels {
  onHand: number;
  reserved: number;
  damaged: number;
  /** onHand − reserved; never below 0. */
  available: number;
}

/**
 * How a movement changes a stock item: deltas per quantity, or (stock check) a counted on-hand
 * quantity that replaces the current one. Unset deltas are 0.
 */
export interface StockPlan {
  onHand?: number;
  reserved?: number;
  damaged?: number;
  /** Stock check: the counted quantity becomes onHand (the delta is the difference). */
  countedOnHand?: number;
}

export const levels = (onHand: number, reserved: number, damaged: number): StockLevels => ({
  onHand,
  reserved,
  damaged,
  available: Math.max(0, onHand - reserved),
});

/** The invariants the database's CHECK constraints enforce too. */
export function levelsProblem(l: Omit<StockLevels, "available">): string | null {
  if (l.onHand < 0) return "onHand would be negative";
  if (l.reserved < 0) return "reserved would be negative";
  if (l.damaged < 0) return "damaged would be negative";
  if (l.reserved > l.onHand) return "available would be negative";
  return null;
}

/** The levels after a plan, or INSUFFICIENT_STOCK when they would break an invariant. */
export function applyPlan(current: StockLevels, plan: StockPlan): StockLevels {
  const next = {
    onHand: plan.countedOnHand ?? current.onHand + (plan.onHand ?? 0),
    reserved: current.reserved + (plan.reserved ?? 0),
    damaged: current.damaged + (plan.damaged ?? 0),
  };
  const problem = levelsProblem(next);
  if (problem) throw insufficientStock(problem, current);
  return levels(next.onHand, next.reserved, next.damaged);
}

export function insufficientStock(reason: string, current?: StockLevels): DomainError {
  return new DomainError("INSUFFICIENT_STOCK", `Not enough stock: ${reason}`, {
    ...(current ? { available: current.available } : {}),
  });
}

/**
 * The low-stock rule: after a decrease of `available` that leaves it at or below the reorder
 * point, LowStockDetected is raised once; the flag stays set (no further events) until
 * `available` rises above the reorder point again.
 */
export function lowStockAfter(
  previous: StockLevels,
  current: StockLevels,
  flagged: boolean,
  reorderPoint: number,
): { raised: boolean; flagged: boolean } {
  const decreased = current.available < previous.available;
  const raised = !flagged && decreased && current.available <= reorderPoint;
  if (current.available > reorderPoint) return { raised, flagged: false };
  return { raised, flagged: flagged || raised };
}

// ---- Movements: input rules and plans ----

export const ADJUSTMENT_TYPES = ["COUNT", "SHRINKAGE", "CORRECTION", "RECEIVING_ERROR"] as const;
export type AdjustmentType = (typeof ADJUSTMENT_TYPES)[number];

export type Movement =
  | { kind: "receive"; quantity: number; reference?: string | null }
  | { kind: "adjust"; quantity: number; type: AdjustmentType; reason: string }
  | { kind: "count"; countedQuantity: number; note?: string | null }
  | { kind: "markDamaged"; quantity: number; reason?: string | null }
  | { kind: "writeOff"; quantity: number; reason?: string | null }
  | { kind: "return"; quantity: number; reason?: string | null };

/** Each movement's input checks, every offending field at once. */
function movementChecks(m: Movement): [string, Problem][] {
  switch (m.kind) {
    case "receive":
      return [
        ["quantity", quantityProblem(m.quantity)],
        ["reference", optionalText(m.reference, 255)],
      ];
    case "adjust":
      return [
        [
          "quantity",
          intProblem(m.quantity, { min: -MAX_QUANTITY, max: MAX_QUANTITY }) ??
            (m.quantity === 0 ? "must not be 0" : null),
        ],
        [
          "type",
          (ADJUSTMENT_TYPES as readonly string[]).includes(m.type)
            ? null
            : `must be one of ${ADJUSTMENT_TYPES.join(", ")}`,
        ],
        ["reason", requiredText(m.reason, 500)],
      ];
    case "count":
      return [
        ["countedQuantity", levelProblem(m.countedQuantity)],
        ["note", optionalText(m.note, 500)],
      ];
    case "markDamaged":
    case "writeOff":
    case "return":
      return [
        ["quantity", quantityProblem(m.quantity)],
        ["reason", optionalText(m.reason, 500)],
      ];
  }
}

/** Checks a movement's input (every offending field at once) and returns its plan. */
export function planMovement(m: Movement): StockPlan {
  throwIfAny(collect(movementChecks(m)));
  switch (m.kind) {
    case "receive":
    case "adjust":
    case "return":
      return { onHand: m.quantity };
    case "count":
      return { countedOnHand: m.countedQuantity };
    case "markDamaged":
      // Only unreserved stock: the reserved ≤ onHand invariant refuses anything more.
      return { onHand: -m.quantity, damaged: m.quantity };
    case "writeOff":
      return { damaged: -m.quantity };
  }
}

// ---- Events ----

/** A committed change of one stock item, as the guarded update reported it. */
export interface StockChange {
  stockItemId: string;
  variantId: string;
  warehouseId: string;
  previous: StockLevels;
  current: StockLevels;
  reorderPoint: number;
  reorderQuantity: number;
  lowStockRaised: boolean;
  /** The stock item's version after the change (and after LowStockDetected, if raised). */
  version: number;
}

export interface StockChangePayload {
  stockItemId: string;
  variantId: string;
  warehouseId: string;
  previous: StockLevels;
  current: StockLevels;
}

export type StockEventType =
  | "StockInitialized"
  | "StockReceived"
  | "StockAdjusted"
  | "StockCounted"
  | "StockMarkedDamaged"
  | "DamagedStockWrittenOff"
  | "StockReturned"
  | "StockReserved"
  | "ReservedStockReleased"
  | "ReservedStockCommitted"
  | "LowStockDetected";

export type StockEvent = NewEvent<StockEventType, StockChangePayload & Record<string, unknown>>;

export const MOVEMENT_EVENT: Record<Movement["kind"], StockEventType> = {
  receive: "StockReceived",
  adjust: "StockAdjusted",
  count: "StockCounted",
  markDamaged: "StockMarkedDamaged",
  writeOff: "DamagedStockWrittenOff",
  return: "StockReturned",
};

/** What a movement's event carries besides the levels: its inputs and computed results. */
export function movementDetails(m: Movement, change: StockChange): Record<string, unknown> {
  switch (m.kind) {
    case "receive":
      return { quantity: m.quantity, reference: cleanText(m.reference) };
    case "adjust":
      return { quantity: m.quantity, adjustmentType: m.type, reason: m.reason.trim() };
    case "count":
      return {
        countedQuantity: m.countedQuantity,
        difference: change.current.onHand - change.previous.onHand,
        note: cleanText(m.note),
      };
    case "markDamaged":
    case "writeOff":
    case "return":
      return { quantity: m.quantity, reason: cleanText(m.reason) };
  }
}

/**
 * The events of one stock change: the movement's own event and, when the change crossed the
 * low-stock threshold, LowStockDetected — with consecutive versions ending at `change.version`.
 */
export function stockChangeEvents(
  change: StockChange,
  type: StockEventType,
  details: Record<string, unknown>,
): StockEvent[] {
  const base: StockChangePayload = {
    stockItemId: change.stockItemId,
    variantId: change.variantId,
    warehouseId: change.warehouseId,
    previous: change.previous,
    current: change.current,
  };
  const own: StockEvent = {
    type,
    aggregateType: "StockItem",
    aggregateId: change.stockItemId,
    aggregateVersion: change.lowStockRaised ? change.version - 1 : change.version,
    payload: { ...base, ...details },
  };
  if (!change.lowStockRaised) return [own];
  return [
    own,
    {
      type: "LowStockDetected",
      aggregateType: "StockItem",
      aggregateId: change.stockItemId,
      aggregateVersion: change.version,
      payload: {
        ...base,
        reorderPoint: change.reorderPoint,
        reorderQuantity: change.reorderQuantity,
        causedBy: type,
      },
    },
  ];
}
