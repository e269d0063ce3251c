import type { Registry } from "@shopstream/metrics";
import { createRedis } from "@shopstream/redis";
import { type Logger, type ReadinessCheck, startHttpService } from "@shopstream/service";
import {
  type ClientAuthenticator,
  connectionAuthorization,
  requestAuthenticator,
} from "./auth/index.ts";
import type { GatewayConfig } from "./config.ts";
import type { createGateway, GatewayReadCache } from "./gateway.ts";
import { graphiqlRoutes } from "./graphiql.ts";
import { LiveHub } from "./live/hub.ts";
import { startSubscriptionServer } from "./live/subscription-server.ts";
import { createRateLimiter } from "./rate-limit.ts";
import { PUBLIC_READ_SUBGRAPHS } from "./read-cache.ts";

/**
 * Serves a gateway: Apollo over HTTP (GraphiQL's routes, authentication, then the rate limiter
 * in the context), the graphql-ws server on the same path, and the live hub they read from
 * Redis. The one assembly main.ts runs and the gateway's tests start in-process.
 */
export async function serveGateway(options: {
  config: GatewayConfig;
  gateway: ReturnType<typeof createGateway>;
  logger: Logger;
  /** Signs clients in; without one every caller is anonymous (tests of the limits). */
  authenticator?: ClientAuthenticator;
  readiness?: Record<string, ReadinessCheck>;
  metrics?: Registry;
  /** Key prefix of the live streams and the rate budgets (default the config's). */
  prefix?: string;
  /** The gateway's read cache: emptied per subgraph by its context's live events. */
  readCache?: GatewayReadCache;
}) {
  const { config, gateway, logger } = options;
  const prefix = options.prefix ?? config.livePrefix;
  const onError = (error: Error) => logger.warn("redis", { error: String(error) });
  // Reads on a request's path fail after a few retries rather than hang while Redis is away;
  // the subscriber waits for the reconnect.
  const reader = createRedis(config.redisUrl, { maxRetriesPerRequest: 3, onError });
  const subscriber = createRedis(config.redisUrl, { onError });
  const rateLimiter = createRateLimiter({
    redis: reader,
    prefix,
    config: config.rateLimit,
    logger,
  });
  const { authenticator } = options;
  const http = await startHttpService({
    name: "gateway",
    port: config.port,
    host: config.host,
    logger,
    apollo: gateway.server,
    admission: config.admission,
    // The HTTP service authenticates every /graphql request before Apollo (a refused token is
    // answered 401); rate limits are charged after, to the principal found.
    ...(authenticator ? { authenticate: requestAuthenticator(authenticator) } : {}),
    context: (base, req) => rateLimiter.http(base, req),
    readiness: {
      ...options.readiness,
      redis: async () => {
        await reader.ping();
      },
    },
    routes: graphiqlRoutes(config.production),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const hub = new LiveHub({ subscriber, reader, prefix, logger });
  const { readCache } = options;
  if (readCache?.caching) {
    // Every event of a cached context empties that subgraph's public answers.
    for (const subgraph of PUBLIC_READ_SUBGRAPHS)
      await hub.listen(subgraph, () => readCache.invalidate(subgraph));
  }
  const subscriptions = startSubscriptionServer({
    server: http.server,
    path: "/graphql",
    schema: gateway.apiSchema,
    executor: gateway.executor,
    hub,
    reader,
    prefix,
    limits: config.limits,
    rateLimit: rateLimiter.ws,
    production: config.production,
    allowedOrigins: config.allowedOrigins,
    ...(authenticator
      ? { authenticate: (params) => authenticator.session(connectionAuthorization(params)) }
      : {}),
    logger,
  });
  return {
    http,
    async stop() {
      await subscriptions.close();
      await hub.close();
      await http.stop();
      reader.disconnect();
      subscriber.disconnect();
    },
  };
}
