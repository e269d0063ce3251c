import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { Logger, RequestContext } from "@shopstream/service";
import type { SubgraphName } from "./config.ts";

type Fetcher = NonNullable<
  NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>["fetcher"]
>;

/**
 * The HTTP client for subgraph requests: Node's own fetch (undici), which reads a subgraph's
 * `Keep-Alive: timeout=5` and retires an idle connection before the subgraph closes it. Apollo's
 * default client (make-fetch-happen) keeps idle connections with no time limit, so a request sent
 * on one just as the subgraph closed it failed with "socket hang up" (seen under load, e.g. the
 * race e2e tests, as an INTERNAL_SERVER_ERROR for part of a query).
 */
export const subgraphFetcher: Fetcher = (url, init) =>
  fetch(url, init as RequestInit) as unknown as ReturnType<Fetcher>;

/** Forwards tracing headers so subgraph logs and events share the gateway's correlation id. */
class ForwardingDataSource extends RemoteGraphQLDataSource<RequestContext> {
  override willSendRequest({
    request,
    context,
  }: Parameters<RemoteGraphQLDataSource<RequestContext>["willSendRequest"] & {}>[0]) {
    if (context.correlationId) request.http?.headers.set("x-correlation-id", context.correlationId);
    if (context.actor) request.http?.headers.set("x-actor", context.actor);
  }
}

/** Reads the supergraph's `join__Graph` names and URLs (the subgraphs the gateway talks to). */
export function subgraphsOf(supergraphSdl: string): { name: string; url: string }[] {
  const graphs = [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]+)"\)/g)];
  return graphs.map((m) => ({ name: m[1]!, url: m[2]! }));
}

export function createGateway(options: {
  supergraphPath: string;
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  logger: Logger;
}) {
  const supergraphSdl = readFileSync(options.supergraphPath, "utf8");
  const urls = Object.fromEntries(
    subgraphsOf(supergraphSdl).map(({ name, url }) => [
      name,
      options.subgraphUrls[name as SubgraphName] ?? url,
    ]),
  );
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new ForwardingDataSource({ url: urls[name] ?? url, fetcher: subgraphFetcher }),
  });
  const server = new ApolloServer<RequestContext>({
    gateway,
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  return { server, subgraphUrls: urls };
}
