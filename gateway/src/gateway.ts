import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { Logger, RequestContext } from "@shopstream/service";
import type { SubgraphName } from "./config.ts";

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
    buildService: ({ name, url }) => new ForwardingDataSource({ url: urls[name] ?? url }),
  });
  const server = new ApolloServer<RequestContext>({
    gateway,
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  return { server, subgraphUrls: urls };
}
