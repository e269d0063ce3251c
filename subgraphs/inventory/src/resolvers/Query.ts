import { assertUuid } from "@shopstream/rules";
import type { InventoryContext } from "../context.ts";
import { type LowStockArgs, listLowStockItems } from "../stock/stock.queries.ts";
import { listWarehouses, type WarehousesArgs } from "../warehouses/warehouse.queries.ts";

export const Query = {
  warehouse: (_: unknown, { id }: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.warehouse.load(assertUuid(id)),
  stockItem: (_: unknown, { id }: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.stockItem.load(assertUuid(id)),
  reservation: (_: unknown, { id }: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.reservation.load(assertUuid(id)),
  warehouses: (_: unknown, args: WarehousesArgs, ctx: InventoryContext) =>
    listWarehouses(ctx.deps.prisma, args),
  lowStockItems: (_: unknown, args: LowStockArgs, ctx: InventoryContext) =>
    listLowStockItems(ctx.deps.prisma, ctx.loaders, args),
};
