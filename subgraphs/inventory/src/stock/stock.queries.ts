import { byIdLoader } from "@shopstream/service";
import type { InventoryDb } from "../db.ts";

export function createInventoryLoaders(db: InventoryDb) {
  return {
    warehouse: byIdLoader((ids) => db.warehouse.findMany({ where: { id: { in: ids } } })),
    stockItem: byIdLoader((ids) => db.stockItem.findMany({ where: { id: { in: ids } } })),
    stockByWarehouse: byIdLoader(
      (ids) =>
        db.stockItem.findMany({ where: { warehouseId: { in: ids } }, orderBy: { id: "asc" } }),
      { many: (s) => s.warehouseId },
    ),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
