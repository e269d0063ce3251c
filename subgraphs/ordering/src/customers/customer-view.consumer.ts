import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import type { OrderingPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { applyCustomerViewChange } from "./customer-view.repository.ts";
import { CUSTOMER_VIEW_EVENTS, customerViewChange } from "./customer-view.ts";

/** Keeps `customer_view` (status and tier of identity's customers) in step with identity. */
export function createCustomerViewConsumer(prisma: OrderingPrisma) {
  const handle = async (event: DomainEvent, tx: Prisma.TransactionClient) => {
    let change: ReturnType<typeof customerViewChange>;
    try {
      change = customerViewChange(event);
    } catch (error) {
      throw new PermanentEventError(`${event.type} ${event.id}: ${(error as Error).message}`);
    }
    if (change) await applyCustomerViewChange(tx, change, new Date());
  };
  return defineConsumer<Prisma.TransactionClient>({
    name: "ordering.customer-view",
    source: "identity",
    aggregateTypes: ["Customer"],
    handlers: Object.fromEntries(CUSTOMER_VIEW_EVENTS.map((type) => [type, handle])),
    transaction: (fn) => prisma.$transaction(fn),
  });
}
