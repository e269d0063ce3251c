import { type InventoryContext, metadataOf } from "../context.ts";
import {
  commitReservation,
  confirmReservation,
  releaseReservation,
} from "../reservations/change-reservation.ts";
import type { ReserveStockCommand } from "../reservations/reservation.ts";
import { reserveStock } from "../reservations/reserve-stock.ts";
import { initializeStock } from "../stock/initialize-stock.ts";
import { moveStock } from "../stock/move-stock.ts";
import type { InitializeStockCommand } from "../stock/stock-item.ts";
import type { AdjustmentType } from "../stock/stock-levels.ts";
import {
  addWarehouseZoneCommand,
  deactivateWarehouseCommand,
  removeWarehouseZoneCommand,
  updateWarehouseCommand,
} from "../warehouses/change-warehouse.ts";
import { createWarehouse } from "../warehouses/create-warehouse.ts";
import type {
  CreateWarehouseCommand,
  UpdateWarehouseCommand,
  WarehouseZone,
} from "../warehouses/warehouse.ts";

type Ctx = InventoryContext;
interface Quantity {
  stockItemId: string;
  quantity: number;
  reason?: string | null;
}

export const Mutation = {
  createWarehouse: (_: unknown, a: { input: CreateWarehouseCommand }, ctx: Ctx) =>
    createWarehouse(ctx.deps, a.input, metadataOf(ctx)),
  updateWarehouse: (_: unknown, a: { id: string; input: UpdateWarehouseCommand }, ctx: Ctx) =>
    updateWarehouseCommand(ctx.deps, a.id, a.input, metadataOf(ctx)),
  addWarehouseZone: (_: unknown, a: { id: string; zone: WarehouseZone }, ctx: Ctx) =>
    addWarehouseZoneCommand(ctx.deps, a.id, a.zone, metadataOf(ctx)),
  removeWarehouseZone: (_: unknown, a: { id: string; zone: WarehouseZone }, ctx: Ctx) =>
    removeWarehouseZoneCommand(ctx.deps, a.id, a.zone, metadataOf(ctx)),
  deactivateWarehouse: (_: unknown, a: { id: string }, ctx: Ctx) =>
    deactivateWarehouseCommand(ctx.deps, a.id, metadataOf(ctx)),

  initializeStock: (_: unknown, a: { input: InitializeStockCommand }, ctx: Ctx) =>
    initializeStock(ctx.deps, a.input, metadataOf(ctx)),
  receiveStock: (_: unknown, a: Quantity & { reference?: string | null }, ctx: Ctx) =>
    moveStock(ctx.deps, a.stockItemId, { kind: "receive", ...a }, metadataOf(ctx)),
  adjustStock: (
    _: unknown,
    a: { stockItemId: string; input: { quantity: number; type: AdjustmentType; reason: string } },
    ctx: Ctx,
  ) => moveStock(ctx.deps, a.stockItemId, { kind: "adjust", ...a.input }, metadataOf(ctx)),
  recordStockCheck: (
    _: unknown,
    a: { stockItemId: string; countedQuantity: number; note?: string | null },
    ctx: Ctx,
  ) => moveStock(ctx.deps, a.stockItemId, { kind: "count", ...a }, metadataOf(ctx)),
  markStockDamaged: (_: unknown, a: Quantity, ctx: Ctx) =>
    moveStock(ctx.deps, a.stockItemId, { kind: "markDamaged", ...a }, metadataOf(ctx)),
  writeOffDamagedStock: (_: unknown, a: Quantity, ctx: Ctx) =>
    moveStock(ctx.deps, a.stockItemId, { kind: "writeOff", ...a }, metadataOf(ctx)),
  returnStock: (_: unknown, a: Quantity, ctx: Ctx) =>
    moveStock(ctx.deps, a.stockItemId, { kind: "return", ...a }, metadataOf(ctx)),

  reserveStock: (_: unknown, a: { input: ReserveStockCommand }, ctx: Ctx) =>
    reserveStock(ctx.deps, a.input, metadataOf(ctx)),
  releaseReservation: (_: unknown, a: { id: string; reason?: string | null }, ctx: Ctx) =>
    releaseReservation(ctx.deps, a.id, a.reason, metadataOf(ctx)),
  confirmReservation: (_: unknown, a: { id: string; ttlSeconds?: number | null }, ctx: Ctx) =>
    confirmReservation(ctx.deps, a.id, a.ttlSeconds, metadataOf(ctx)),
  commitReservation: (_: unknown, a: { id: string }, ctx: Ctx) =>
    commitReservation(ctx.deps, a.id, metadataOf(ctx)),
};
