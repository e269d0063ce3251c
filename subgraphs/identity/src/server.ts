import { fileURLToPath } from "node:url";
import { createSubgraphServer, type Logger } from "@shopstream/service";
import type { IdentityContext } from "./context.ts";
import { resolvers } from "./resolvers/index.ts";

export const schemaPath = fileURLToPath(new URL("../schema.graphql", import.meta.url));

/** The identity subgraph's Apollo server; tests call `executeOperation` on it directly. */
export function createServer(logger: Logger) {
  return createSubgraphServer<IdentityContext>({ schemaPath, resolvers, logger });
}
