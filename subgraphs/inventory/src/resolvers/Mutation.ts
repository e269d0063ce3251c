import { type InventoryContext, metadataOf } from "../context.ts";
import { changeReservation } from "../reservations/change-reservation.ts";
import type { ReservationAction, ReserveStockCommand } from "../reservations/reservation.ts";
import { reserveStock } from "../reservations/reserve-stock.ts";
import { initializeStock } from "../stock/initialize-stock.ts";
import { moveStock } from "../stock/move-stock.ts";
import type { InitializeStockCommand } from "../stock/stock-item.ts";
import type { AdjustmentType, Movement } from "../stock/stock-levels.ts";
import { changeWarehouse } from "../warehouses/change-warehouse.ts";
import { createWarehouse } from "../warehouses/create-warehouse.ts";
import type {
  CreateWarehouseCommand,
  UpdateWarehouseCommand,
  WarehouseChange,
  WarehouseZone,
} from "../warehouses/warehouse.ts";

type Ctx = InventoryContext;
type Zone = { id: string; zone: WarehouseZone };
interface Quantity {
  stockItemId: string;
  quantity: number;
  reason?: string | null;
}

const warehouse = (ctx: Ctx, id: string, change: WarehouseChange) =>
  changeWarehouse(ctx.deps, id, change, metadataOf(ctx));
const reservation = (ctx: Ctx, id: string, action: ReservationAction) =>
  changeReservation(ctx.deps, id, action, metadataOf(ctx));
const move = (ctx: Ctx, stockItemId: string, movement: Movement) =>
  moveStock(ctx.deps, stockItemId, movement, metadataOf(ctx));

export const Mutation = {
  createWarehouse: (_: unknown, a: { input: CreateWarehouseCommand }, ctx: Ctx) =>
    createWarehouse(ctx.deps, a.input, metadataOf(ctx)),
  updateWarehouse: (_: unknown, a: { id: string; input: UpdateWarehouseCommand }, ctx: Ctx) =>
    warehouse(ctx, a.id, { kind: "update", input: a.input }),
  addWarehouseZone: (_: unknown, a: Zone, ctx: Ctx) =>
    warehouse(ctx, a.id, { kind: "addZone", zone: a.zone }),
  removeWarehouseZone: (_: unknown, a: Zone, ctx: Ctx) =>
    warehouse(ctx, a.id, { kind: "removeZone", zone: a.zone }),
  deactivateWarehouse: (_: unknown, a: { id: string }, ctx: Ctx) =>
    warehouse(ctx, a.id, { kind: "deactivate" }),

  initializeStock: (_: unknown, a: { input: InitializeStockCommand }, ctx: Ctx) =>
    initializeStock(ctx.deps, a.input, metadataOf(ctx)),
  receiveStock: (_: unknown, a: Quantity & { reference?: string | null }, ctx: Ctx) =>
    move(ctx, a.stockItemId, { kind: "receive", ...a }),
  adjustStock: (
    _: unknown,
    a: { stockItemId: string; input: { quantity: number; type: AdjustmentType; reason: string } },
    ctx: Ctx,
  ) => move(ctx, a.stockItemId, { kind: "adjust", ...a.input }),
  recordStockCheck: (
    _: unknown,
    a: { stockItemId: string; countedQuantity: number; note?: string | null },
    ctx: Ctx,
  ) => move(ctx, a.stockItemId, { kind: "count", ...a }),
  markStockDamaged: (_: unknown, a: Quantity, ctx: Ctx) =>
    move(ctx, a.stockItemId, { kind: "markDamaged", ...a }),
  writeOffDamagedStock: (_: unknown, a: Quantity, ctx: Ctx) =>
    move(ctx, a.stockItemId, { kind: "writeOff", ...a }),
  returnStock: (_: unknown, a: Quantity, ctx: Ctx) =>
    move(ctx, a.stockItemId, { kind: "return", ...a }),

  reserveStock: (_: unknown, a: { input: ReserveStockCommand }, ctx: Ctx) =>
    reserveStock(ctx.deps, a.input, metadataOf(ctx)),
  releaseReservation: (_: unknown, a: { id: string; reason?: string | null }, ctx: Ctx) =>
    reservation(ctx, a.id, { kind: "release", reason: a.reason }),
  confirmReservation: (_: unknown, a: { id: string; ttlSeconds?: number | null }, ctx: Ctx) =>
    reservation(ctx, a.id, { kind: "confirm", ttlSeconds: a.ttlSeconds }),
  commitReservation: (_: unknown, a: { id: string }, ctx: Ctx) =>
    reservation(ctx, a.id, { kind: "commit" }),
};
