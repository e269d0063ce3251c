import { fileURLToPath } from "node:url";
import { createSubgraphServer, type Logger } from "@shopstream/service";
import type { OrderingContext } from "./context.ts";
import { orderingOwners } from "./ownership.ts";
import { resolvers } from "./resolvers/index.ts";

export const schemaPath = fileURLToPath(new URL("../schema.graphql", import.meta.url));

export function createServer(logger: Logger) {
  return createSubgraphServer<OrderingContext>({
    schemaPath,
    resolvers,
    logger,
    owners: orderingOwners,
  });
}
