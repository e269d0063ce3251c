import type { InventoryContext } from "../context.ts";

export const Warehouse = {
  __resolveReference: (ref: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.warehouse.load(ref.id),
  stockItems: (w: { id: string }, _: unknown, ctx: InventoryContext) =>
    ctx.loaders.stockByWarehouse.load(w.id),
};
