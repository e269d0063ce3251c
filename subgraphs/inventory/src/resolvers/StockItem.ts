import type { InventoryContext } from "../context.ts";
import type { StockItem as StockItemModel } from "../stock/stock-item.ts";
import { levels } from "../stock/stock-levels.ts";

export const StockItem = {
  __resolveReference: (ref: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.stockItem.load(ref.id),
  variant: (s: StockItemModel) => ({ __typename: "ProductVariant", id: s.variantId }),
  warehouse: (s: StockItemModel, _: unknown, ctx: InventoryContext) =>
    ctx.loaders.warehouse.load(s.warehouseId),
  available: (s: StockItemModel) => levels(s.onHand, s.reserved, s.damaged).available,
};
