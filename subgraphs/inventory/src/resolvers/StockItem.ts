import type { InventoryContext } from "../context.ts";

interface StockRow {
  variantId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

export const StockItem = {
  __resolveReference: (ref: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.stockItem.load(ref.id),
  variant: (s: StockRow) => ({ __typename: "ProductVariant", id: s.variantId }),
  warehouse: (s: StockRow, _: unknown, ctx: InventoryContext) =>
    ctx.loaders.warehouse.load(s.warehouseId),
  available: (s: StockRow) => Math.max(0, s.onHand - s.reserved),
};
