import { fileURLToPath } from "node:url";
import { createSubgraphServer, type Logger } from "@shopstream/service";
import type { PaymentsContext } from "./context.ts";
import { paymentsOwners } from "./orders/order-owners.ts";
import { resolvers } from "./resolvers/index.ts";

export const schemaPath = fileURLToPath(new URL("../schema.graphql", import.meta.url));

export function createServer(logger: Logger) {
  return createSubgraphServer<PaymentsContext>({
    schemaPath,
    resolvers,
    logger,
    owners: paymentsOwners,
  });
}
