import { nowOf } from "@shopstream/commands";
import { defineConsumer, type EventHandler } from "@shopstream/events";
import type { IdentityPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { applyDirectoryWrite } from "./customer-directory.repository.ts";
import { type DirectoryProjection, directoryProjections } from "./customer-directory.ts";

type Tx = Prisma.TransactionClient;

/**
 * Keeps `customer_directory` (the read model behind `Query.customers`) up to date: one handler
 * per projected event type, which projects the event (pure; its payload parsed by a zod schema,
 * a malformed one a permanent failure) and writes the result unless already applied. `now`
 * stamps the entries' `updated_at` (tests inject a clock).
 */
export function createCustomerDirectoryConsumer(
  prisma: IdentityPrisma,
  opts: { now?: () => Date } = {},
) {
  const handle =
    (project: DirectoryProjection): EventHandler<Tx> =>
    async (event, tx) => {
      await applyDirectoryWrite(tx, project(event), nowOf(opts));
    };
  const handlers = Object.fromEntries(
    Object.entries(directoryProjections).map(([type, project]) => [type, handle(project)]),
  );
  return defineConsumer<Tx>({
    name: "identity.customer-directory",
    source: "identity",
    aggregateTypes: ["Customer"],
    handlers,
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
