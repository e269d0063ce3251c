import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { isDatabaseUnavailable } from "@shopstream/db";
import { createErrorFormatter } from "@shopstream/errors";
import { parse } from "graphql";
import type { RequestContext } from "./http-service.ts";
import type { Logger } from "./logger.ts";
import { enforcePolicy, type OwnerLookups } from "./policy.ts";

export function loadTypeDefs(schemaPath: string) {
  return parse(readFileSync(schemaPath, "utf8"));
}

/**
 * An Apollo subgraph server with the shared error formatter and the policy table enforced on
 * every root field and entity reference (`enforcePolicy`; `owners` finds who owns what the
 * subgraph's fields name). Subgraphs serve no landing page: people use the IDE on the gateway.
 */
export function createSubgraphServer<TContext extends RequestContext>(options: {
  schemaPath: string;
  // biome-ignore lint/suspicious/noExplicitAny: resolver maps are typed per subgraph
  resolvers: GraphQLResolverMap<any>;
  logger: Logger;
  owners?: OwnerLookups<TContext>;
}): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    schema: enforcePolicy(
      buildSubgraphSchema([
        { typeDefs: loadTypeDefs(options.schemaPath), resolvers: options.resolvers },
      ]),
      options.owners,
    ),
    // A pool wait that ran out or a database restarting is a retryable refusal, never internal.
    formatError: createErrorFormatter(options.logger, { unavailable: isDatabaseUnavailable }),
    // No Apollo Studio here: inline traces would only add weight to every subgraph response.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
  });
}
