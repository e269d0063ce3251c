import type { InventoryPrisma } from "./db.ts";
import { createOrderStockConsumer } from "./order-stock/order-stock.consumer.ts";
import { createVariantStockConsumer } from "./stock/variant-stock.consumer.ts";

/** Every event consumer the inventory context declares; the workers run them. */
export function inventoryConsumers(prisma: InventoryPrisma) {
  return [createVariantStockConsumer(prisma), createOrderStockConsumer(prisma)];
}
