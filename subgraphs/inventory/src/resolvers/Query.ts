import { assertUuid } from "@shopstream/service";
import type { InventoryContext } from "../context.ts";

export const Query = {
  warehouse: (_: unknown, { id }: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.warehouse.load(assertUuid(id)),
  stockItem: (_: unknown, { id }: { id: string }, ctx: InventoryContext) =>
    ctx.loaders.stockItem.load(assertUuid(id)),
};
