import type { ScheduledTask } from "@shopstream/events";
import type { InventoryPrisma } from "./db.ts";
import { createOrderStockConsumer } from "./order-stock/order-stock.consumer.ts";
import { releaseExpiredReservations } from "./reservations/release-expired-reservations.ts";
import { createVariantStockConsumer } from "./stock/variant-stock.consumer.ts";

/** Every event consumer the inventory context declares; the workers run them. */
export function inventoryConsumers(prisma: InventoryPrisma, opts: { now?: () => Date } = {}) {
  return [createVariantStockConsumer(prisma, opts), createOrderStockConsumer(prisma, opts)];
}

/** The inventory context's periodic jobs; the workers run them. */
export function inventoryScheduledTasks(
  prisma: InventoryPrisma,
  opts: { reservationExpiryEveryMs?: number } = {},
): ScheduledTask[] {
  return [
    {
      name: "inventory.release-expired-reservations",
      everyMs: opts.reservationExpiryEveryMs ?? 15_000,
      run: (now) => releaseExpiredReservations(prisma, now),
    },
  ];
}
