import { nowOf } from "@shopstream/commands";
import { defineConsumer, parsePayload } from "@shopstream/events";
import { causedBy } from "@shopstream/outbox";
import { z } from "zod";
import type { InventoryPrisma, InventoryTx } from "../db.ts";
import { initializeStockIfAbsent } from "./initialize-stock.ts";

const NAME = "inventory.variant-stock";

const productVariantAdded = z.object({ variantId: z.uuid() });

/**
 * A new catalogue variant gets a stock item (all quantities 0) in the default warehouse. The
 * (variant, warehouse) unique index makes a replayed or raced event a no-op, on top of the
 * runner's inbox.
 */
export function createVariantStockConsumer(
  prisma: InventoryPrisma,
  opts: { now?: () => Date } = {},
) {
  return defineConsumer<InventoryTx>({
    name: NAME,
    source: "catalogue",
    aggregateTypes: ["ProductVariant"],
    handlers: {
      ProductVariantAdded: async (event, tx) => {
        const { variantId } = parsePayload(productVariantAdded, event);
        await initializeStockIfAbsent(tx, { variantId }, causedBy(event, NAME), nowOf(opts));
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
