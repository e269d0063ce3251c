import { fileURLToPath } from "node:url";
import type { ApolloServer } from "@apollo/server";
import { actorOf } from "@shopstream/auth";
import {
  createLogger,
  type RequestContext,
  type RunningHttpService,
  startHttpService,
} from "@shopstream/service";
import { TEST_ADMIN } from "@shopstream/testing";
import type { SubgraphName } from "../src/config.ts";
import { createGateway } from "../src/gateway.ts";

/**
 * The real @apollo/gateway over the committed supergraph, in front of subgraphs started in this
 * process on the test databases (the batching tests count each subgraph's SQL through the
 * Prisma client they pass in). Subgraphs not given keep the supergraph's URLs; a query must not
 * reach them.
 */

export const logger = createLogger("supergraph-test", "error");

export interface InProcessSubgraph<TContext extends RequestContext> {
  apollo: ApolloServer<TContext>;
  context: (base: RequestContext) => TContext;
}

export interface InProcessSupergraph {
  /** Runs an operation through the gateway; fails on any GraphQL error. */
  run<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export async function startSupergraph(
  // biome-ignore lint/suspicious/noExplicitAny: each subgraph has its own context type
  subgraphs: Partial<Record<SubgraphName, InProcessSubgraph<any>>>,
): Promise<InProcessSupergraph> {
  const services: RunningHttpService[] = [];
  const urls: Partial<Record<SubgraphName, string>> = {};
  for (const [name, subgraph] of Object.entries(subgraphs)) {
    const service = await startHttpService({
      name,
      port: 0,
      host: "127.0.0.1",
      logger,
      readiness: {},
      apollo: subgraph.apollo,
      // No internal tokens between this gateway and its subgraphs: they act as admin too.
      context: (base) =>
        subgraph.context({ ...base, principal: TEST_ADMIN, actor: actorOf(TEST_ADMIN) }),
    });
    services.push(service);
    urls[name as SubgraphName] = service.url;
  }
  const gateway = createGateway({
    supergraphPath: fileURLToPath(new URL("../../schema/supergraph.graphql", import.meta.url)),
    subgraphUrls: urls,
    logger,
  }).server;
  await gateway.start();
  return {
    async run<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const res = await gateway.executeOperation(
        { query, variables },
        // As admin: these tests are about planning and batching, not about who may ask.
        {
          contextValue: { correlationId: "t", principal: TEST_ADMIN, actor: actorOf(TEST_ADMIN) },
        },
      );
      if (res.body.kind !== "single") throw new Error("expected a single result");
      const { data, errors } = res.body.singleResult;
      if (errors) throw new Error(JSON.stringify(errors));
      return data as T;
    },
    async stop() {
      await gateway.stop();
      await Promise.all(services.map((s) => s.stop()));
    },
  };
}
