import { nowOf } from "@shopstream/commands";
import { defineConsumer, type EventHandler } from "@shopstream/events";
import type { OrderingPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { applyPriceViewChange } from "./price-view.repository.ts";
import { PRICE_VIEW_EVENTS, priceViewChange } from "./price-view.ts";

/**
 * Keeps ordering's price view in step with the catalogue (prices, tier prices, orderability). A
 * malformed payload is dead-lettered (priceViewChange parses it).
 */
export function createPriceViewConsumer(prisma: OrderingPrisma, opts: { now?: () => Date } = {}) {
  const handle: EventHandler<Prisma.TransactionClient> = async (event, tx) => {
    const change = priceViewChange(event);
    if (change) await applyPriceViewChange(tx, change, nowOf(opts));
  };
  return defineConsumer<Prisma.TransactionClient>({
    name: "ordering.price-view",
    source: "catalogue",
    aggregateTypes: ["ProductVariant", "Product"],
    handlers: Object.fromEntries(PRICE_VIEW_EVENTS.map((type) => [type, handle])),
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
