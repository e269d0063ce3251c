import { nowOf } from "@shopstream/commands";
import { defineConsumer, type EventHandler } from "@shopstream/events";
import type { OrderingPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { applyCustomerViewChange } from "./customer-view.repository.ts";
import { CUSTOMER_VIEW_EVENTS, customerViewChange } from "./customer-view.ts";

/**
 * Keeps `customer_view` (status and tier of identity's customers) in step with identity. A
 * malformed payload is dead-lettered (customerViewChange parses it).
 */
export function createCustomerViewConsumer(
  prisma: OrderingPrisma,
  opts: { now?: () => Date } = {},
) {
  const handle: EventHandler<Prisma.TransactionClient> = async (event, tx) => {
    const change = customerViewChange(event);
    if (change) await applyCustomerViewChange(tx, change, nowOf(opts));
  };
  return defineConsumer<Prisma.TransactionClient>({
    name: "ordering.customer-view",
    source: "identity",
    aggregateTypes: ["Customer"],
    handlers: Object.fromEntries(CUSTOMER_VIEW_EVENTS.map((type) => [type, handle])),
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
