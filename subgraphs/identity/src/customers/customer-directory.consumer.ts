import { defineConsumer, type EventHandler } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import type { IdentityPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { applyDirectoryWrite } from "./customer-directory.repository.ts";
import { directoryProjections } from "./customer-directory.ts";

type Tx = Prisma.TransactionClient;

/** One handler per projected event type: project (pure), then write unless already applied. */
const handlers: Record<string, EventHandler<Tx>> = Object.fromEntries(
  Object.entries(directoryProjections).flatMap(([type, project]) =>
    project
      ? [
          [
            type,
            async (event: DomainEvent, tx: Tx) => {
              await applyDirectoryWrite(tx, project(event));
            },
          ],
        ]
      : [],
  ),
);

/** Keeps `customer_directory` (the read model behind `Query.customers`) up to date. */
export function createCustomerDirectoryConsumer(prisma: IdentityPrisma) {
  return defineConsumer<Tx>({
    name: "identity.customer-directory",
    source: "identity",
    aggregateTypes: ["Customer"],
    handlers,
    transaction: (fn) => prisma.$transaction(fn),
  });
}
