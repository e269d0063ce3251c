import { type Journey, need, op } from "../../harness/journey.ts";
import {
  CREATE_WAREHOUSE,
  fixtureOf,
  fixtureStep,
  INIT_STOCK,
  INVENTORY,
  RECEIVE,
  warehouseInput,
} from "../fixture.ts";

/** Warehouse + stock: create → initialize → receive → adjust → stock check. */
export const warehouseStock = (): Journey => ({
  name: "inventory.warehouse-stock",
  context: "inventory",
  steps: [
    fixtureStep,
    op<{ createWarehouse: { id: string } }>(
      "CreateWarehouse",
      INVENTORY,
      CREATE_WAREHOUSE,
      (c) => ({ input: warehouseInput(c.unique("wh")) }),
      (d, c) => {
        c.state.warehouseId = d.createWarehouse.id;
      },
    ),
    op<{ initializeStock: { id: string } }>(
      "InitializeStock",
      INVENTORY,
      INIT_STOCK,
      (c) => ({
        input: {
          variantId: fixtureOf(c).variantIds[0],
          warehouseId: need(c, "warehouseId"),
          reorderPoint: 5,
        },
      }),
      (d, c) => {
        c.state.stockItemId = d.initializeStock.id;
        c.env.tracker.stockItems.add(d.initializeStock.id);
      },
    ),
    op("ReceiveStock", INVENTORY, RECEIVE, (c) => ({ id: need(c, "stockItemId"), q: 50 })),
    op(
      "AdjustStock",
      INVENTORY,
      `mutation AdjustStock($id: ID!, $input: AdjustStockInput!) { adjustStock(stockItemId: $id, input: $input) { id onHand } }`,
      (c) => ({
        id: need(c, "stockItemId"),
        input: { quantity: -2, type: "SHRINKAGE", reason: "load test shrinkage" },
      }),
    ),
    op(
      "RecordStockCheck",
      INVENTORY,
      `mutation RecordStockCheck($id: ID!, $q: Int!) { recordStockCheck(stockItemId: $id, countedQuantity: $q, note: "cycle count") { id onHand } }`,
      (c) => ({ id: need(c, "stockItemId"), q: 47 }),
    ),
  ],
});
