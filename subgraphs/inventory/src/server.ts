import { fileURLToPath } from "node:url";
import { createSubgraphServer, type Logger, type OwnerLookups } from "@shopstream/service";
import type { InventoryContext } from "./context.ts";
import { resolvers } from "./resolvers/index.ts";

export const schemaPath = fileURLToPath(new URL("../schema.graphql", import.meta.url));

/**
 * Inventory holds only order ids and cannot tell an order that exists from one that does not: to
 * the table every order is missing, and `Order.reservations` narrows itself (resolvers/Order.ts),
 * so another customer's order reads exactly as an unknown one.
 */
const owners: OwnerLookups<InventoryContext> = { Order: async () => new Map() };

export function createServer(logger: Logger) {
  return createSubgraphServer<InventoryContext>({ schemaPath, resolvers, logger, owners });
}
