import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import type { OrderingPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { applyPriceViewChange } from "./price-view.repository.ts";
import { priceViewChange } from "./price-view.ts";

const HANDLED = [
  "ProductVariantAdded",
  "VariantPriceChanged",
  "VariantTierPriceSet",
  "ProductCreated",
  "ProductActivated",
  "ProductDiscontinued",
  "ProductArchived",
];

/** Keeps ordering's price view in step with the catalogue (prices, tier prices, orderability). */
export function createPriceViewConsumer(prisma: OrderingPrisma) {
  const handle = async (event: DomainEvent, tx: Prisma.TransactionClient) => {
    let change: ReturnType<typeof priceViewChange>;
    try {
      change = priceViewChange(event);
    } catch (error) {
      throw new PermanentEventError(`${event.type} ${event.id}: ${(error as Error).message}`);
    }
    if (change) await applyPriceViewChange(tx, change, new Date());
  };
  return defineConsumer<Prisma.TransactionClient>({
    name: "ordering.price-view",
    source: "catalogue",
    aggregateTypes: ["ProductVariant", "Product"],
    handlers: Object.fromEntries(HANDLED.map((type) => [type, handle])),
    transaction: (fn) => prisma.$transaction(fn),
  });
}
