import type { Decision } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import { collect, throwIfAny, uuidProblem } from "@shopstream/rules";
import { levelProblem } from "../shared/rules.ts";
import { levels, type StockEvent } from "./stock-levels.ts";

/**
 * Pure domain for creating a StockItem aggregate (its later changes are stock-levels.ts; see
 * docs/inventory.md, "StockItem").
 */

export interface StockItem {
  id: string;
  variantId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  damaged: number;
  reorderPoint: number;
  reorderQuantity: number;
  lowStock: boolean;
  lastCountedQuantity: number | null;
  lastCountedAt: Date | null;
  version: number;
  createdAt: Date | null;
  updatedAt: Date;
}

export interface InitializeStockCommand {
  variantId: string;
  /** The default warehouse when omitted. */
  warehouseId?: string | null;
  reorderPoint?: number | null;
  reorderQuantity?: number | null;
}

/** Where stock starts: the warehouse must exist and be active (checked by the command). */
export interface WarehouseRef {
  id: string;
  active: boolean;
}

/**
 * Decides a new stock item (all quantities 0, version 1) for a variant in an active warehouse,
 * with its StockInitialized event. One item per (variant, warehouse) is the database's job.
 */
export function initializeStock(
  command: InitializeStockCommand,
  warehouse: WarehouseRef,
  id: string,
  now: Date,
): Decision<StockItem, StockEvent> {
  const reorderPoint = command.reorderPoint ?? 0;
  const reorderQuantity = command.reorderQuantity ?? 0;
  throwIfAny(
    collect([
      ["variantId", uuidProblem(command.variantId)],
      ["reorderPoint", levelProblem(reorderPoint)],
      ["reorderQuantity", levelProblem(reorderQuantity)],
    ]),
  );
  if (!warehouse.active) throw DomainError.invalidTransition("warehouse", "INACTIVE", "stock");

  const state: StockItem = {
    id,
    variantId: command.variantId,
    warehouseId: warehouse.id,
    onHand: 0,
    reserved: 0,
    damaged: 0,
    reorderPoint,
    reorderQuantity,
    lowStock: false,
    lastCountedQuantity: null,
    lastCountedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const zero = levels(0, 0, 0);
  return {
    state,
    events: [
      {
        type: "StockInitialized",
        aggregateType: "StockItem",
        aggregateId: id,
        aggregateVersion: 1,
        payload: {
          stockItemId: id,
          variantId: state.variantId,
          warehouseId: state.warehouseId,
          previous: zero,
          current: zero,
          reorderPoint,
          reorderQuantity,
        },
      },
    ],
  };
}
