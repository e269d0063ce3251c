import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ANONYMOUS, actorOf, type Principal } from "@shopstream/auth";
import { type Logger, type RequestContext, retryableStatusPlugin } from "@shopstream/service";
import { buildSchema, type GraphQLSchema } from "graphql";
import type { InternalSigner } from "./auth/customer-ids.ts";
import type { SubgraphName } from "./config.ts";
import {
  DEFAULT_OPERATION_LIMITS,
  type OperationLimits,
  operationRules,
  withoutSuggestions,
} from "./limits.ts";
import type { GatewayExecutor } from "./live/entity-fetch.ts";
import { policyPrecheckPlugin } from "./policy-check.ts";
import { isQueryOperation, type SubgraphReadCache } from "./read-cache.ts";

/**
 * Apollo requires graphql's CommonJS build. Under Node and tsx our `import "graphql"` gets that
 * same build, but a bundler or Vitest may hand our modules the ES build: two copies of every
 * class. Apollo-side objects (its schema, its validation errors) are therefore always made with
 * the CommonJS one, which is correct either way.
 */
const cjsGraphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

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

/** A subgraph's answer as the read cache keeps it: immutable, each caller parses its own. */
export interface StoredAnswer {
  status: number;
  headers: [string, string][];
  body: string;
}
export type GatewayReadCache = SubgraphReadCache<StoredAnswer>;

/**
 * The fetcher of one subgraph with the read cache in front (read-cache.ts). A request is public
 * when it carries exactly the anonymous principal's internal token for this subgraph and no
 * guest cart token; its credentials are part of the collapsing key either way. A write (any
 * non-query operation) empties the subgraph's public answers once it is answered.
 */
function cachingFetcher(
  subgraph: string,
  cache: GatewayReadCache,
  signer: InternalSigner | undefined,
): Fetcher {
  return async (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const body = JSON.parse(String(init?.body ?? "{}")) as {
      query?: string;
      variables?: Record<string, unknown>;
    };
    const query = body.query ?? "";
    if (!isQueryOperation(query)) {
      try {
        return await subgraphFetcher(url, init);
      } finally {
        cache.invalidate(subgraph);
      }
    }
    const authorization = headers.authorization ?? headers.Authorization;
    const cartToken = headers["x-cart-token"];
    const anonymous =
      signer !== undefined &&
      cartToken === undefined &&
      authorization === `Bearer ${await signer.sign(ANONYMOUS, subgraph)}`;
    const answer = await cache.read(
      {
        subgraph,
        query,
        variables: body.variables,
        credentials: [authorization, cartToken],
        anonymous,
      },
      async () => {
        const res = (await subgraphFetcher(url, init)) as unknown as Response;
        return { status: res.status, headers: [...res.headers], body: await res.text() };
      },
      // Only a clean 200 is kept: no GraphQL errors, nothing partial.
      (a) => a.status === 200 && !("errors" in (JSON.parse(a.body) as object)),
    );
    return new Response(answer.body, {
      status: answer.status,
      headers: answer.headers,
    }) as unknown as ReturnType<Fetcher>;
  };
}

/** A gateway request's context: who is calling, as the client authenticator found. */
export interface GatewayContext extends RequestContext {
  principal: Principal;
}

/**
 * Sends each subgraph the correlation id and an internal token for the request's principal
 * (audience = that subgraph), and ordering the guest cart token. No other client header reaches
 * a subgraph: its principal comes only from the token the gateway signs.
 */
class ForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0],
    private readonly subgraph: string,
    private readonly signer: InternalSigner | undefined,
  ) {
    super(config);
  }

  override async willSendRequest({
    request,
    context,
  }: Parameters<RemoteGraphQLDataSource<GatewayContext>["willSendRequest"] & {}>[0]) {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context.correlationId) headers.set("x-correlation-id", context.correlationId);
    // A guest cart's token is a capability, not a principal: it names no one and reaches only
    // its cart (ordering checks it against the cart's hash). The HTTP context took it from the
    // client's `x-cart-token` header, bounded in length.
    if (context.cartToken && this.subgraph === "ordering")
      headers.set("x-cart-token", context.cartToken);
    if (this.signer) {
      // Apollo's own operations (schema loading) carry no request principal: anonymous.
      const principal = context.principal ?? ANONYMOUS;
      headers.set("authorization", `Bearer ${await this.signer.sign(principal, this.subgraph)}`);
    }
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
  limits?: OperationLimits;
  /** The production profile: no introspection, no validation suggestions. */
  production?: boolean;
  /** Signs the internal token of every subgraph request; none is sent without one (tests). */
  internalSigner?: InternalSigner;
  /** Collapses identical in-flight subgraph queries and caches public reads (read-cache.ts). */
  readCache?: GatewayReadCache;
}) {
  const limits = options.limits ?? DEFAULT_OPERATION_LIMITS;
  const production = options.production ?? false;
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
      new ForwardingDataSource(
        {
          url: urls[name] ?? url,
          fetcher: options.readCache
            ? cachingFetcher(name, options.readCache, options.internalSigner)
            : subgraphFetcher,
        },
        name,
        options.internalSigner,
      ),
  });
  // The WebSocket path validates and executes subscriptions with our graphql import (possibly the
  // other build, see above), so it gets its own copy of the API schema, rebuilt on every load.
  let apiSchema: GraphQLSchema | null = null;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: loaded }) => {
    apiSchema = buildSchema(cjsGraphql.printSchema(loaded));
  });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    // The policy pre-check refuses an operation with a root field the principal may not use
    // before it is planned; the subgraphs still check every field (policy-check.ts).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      retryableStatusPlugin(),
      policyPrecheckPlugin<GatewayContext>(),
    ],
    includeStacktraceInErrorResponses: false,
    // A cross-site form or simple GET cannot run an operation: Apollo requires a JSON content
    // type or an `apollo-require-preflight`/`x-apollo-operation-name` header (its default,
    // stated so it is never switched off unnoticed).
    csrfPrevention: true,
    // Refused in production by operationRules, the list the WebSocket path shares; Apollo's own
    // rule would report the same operation twice.
    introspection: true,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: operationRules(limits, cjsGraphql, {
      introspection: !production,
    }),
    ...(production
      ? {
          formatError: (formatted) => ({
            ...formatted,
            message: withoutSuggestions(formatted.message),
          }),
        }
      : {}),
  });
  /** One operation through the gateway, in-process, as an HTTP request would run. */
  const executor: GatewayExecutor = async ({ query, variables, operationName, principal }) => {
    const response = await server.executeOperation(
      { query, variables, ...(operationName ? { operationName } : {}) },
      { contextValue: { correlationId: randomUUID(), principal, actor: actorOf(principal) } },
    );
    if (response.body.kind !== "single") throw new Error("incremental delivery is not supported");
    return response.body.singleResult as Awaited<ReturnType<GatewayExecutor>>;
  };
  return { server, subgraphUrls: urls, executor, apiSchema: () => apiSchema };
}
