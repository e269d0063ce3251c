import { createInternalSigner } from "@shopstream/auth";
import { loadConfigOrExit } from "@shopstream/config";
import { createMetricsRegistry, GraphqlMetrics } from "@shopstream/metrics";
import { createRedis, requireRedis } from "@shopstream/redis";
import {
  createLogger,
  graphqlMetricsPlugin,
  runService,
  startHttpService,
} from "@shopstream/service";
import {
  cachedCustomerLookup,
  connectionAuthorization,
  createClientAuthenticator,
  identityCustomerLookup,
  requestAuthenticator,
} from "./auth/index.ts";
import { loadGatewayConfig } from "./config.ts";
import { createGateway } from "./gateway.ts";
import { graphiqlRoutes } from "./graphiql.ts";
import { LiveHub } from "./live/hub.ts";
import { startSubscriptionServer } from "./live/subscription-server.ts";
import { createRateLimiter } from "./rate-limit.ts";

const config = loadConfigOrExit("gateway", () => loadGatewayConfig());
const logger = createLogger("gateway", config.logLevel);
await requireRedis("gateway", config.redisUrl);

await runService(logger, async () => {
  const internalSigner = createInternalSigner(config.internalPrivateKey);
  const registry = createMetricsRegistry("gateway");
  const { server, subgraphUrls, executor, apiSchema } = createGateway({
    ...config,
    logger,
    internalSigner,
  });
  server.addPlugin(graphqlMetricsPlugin(new GraphqlMetrics(registry)));
  const identityUrl = subgraphUrls.identity;
  const authenticator = await createClientAuthenticator(config.auth, {
    logger,
    ...(identityUrl
      ? {
          customerIds: cachedCustomerLookup(
            identityCustomerLookup({ identityUrl, signer: internalSigner }),
            { logger },
          ),
        }
      : {}),
  });
  // Probed with fetch, the client the gateway queries subgraphs with: ready means reachable by it
  // (the config refuses a subgraph URL on a port fetch will not connect to).
  const readiness = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      name,
      async () => {
        const res = await fetch(new URL("/health", url));
        if (!res.ok) throw new Error(`health answered ${res.status}`);
      },
    ]),
  );
  const onError = (error: Error) => logger.warn("redis", { error: String(error) });
  // Reads on a request's path fail after a few retries rather than hang while Redis is away;
  // the subscriber waits for the reconnect.
  const reader = createRedis(config.redisUrl, { maxRetriesPerRequest: 3, onError });
  const subscriber = createRedis(config.redisUrl, { onError });
  readiness.redis = async () => {
    await reader.ping();
  };
  const rateLimiter = createRateLimiter({
    redis: reader,
    prefix: config.livePrefix,
    config: config.rateLimit,
    logger,
  });
  const http = await startHttpService({
    name: "gateway",
    port: config.port,
    host: config.host,
    logger,
    apollo: server,
    // The HTTP service authenticates every /graphql request before Apollo (a refused token is
    // answered 401); rate limits are charged after, to the principal found.
    authenticate: requestAuthenticator(authenticator),
    context: (base, req) => rateLimiter.http(base, req),
    readiness,
    routes: graphiqlRoutes(config.production),
    metrics: registry,
  });
  const hub = new LiveHub({ subscriber, reader, prefix: config.livePrefix, logger });
  const subscriptions = startSubscriptionServer({
    server: http.server,
    path: "/graphql",
    schema: apiSchema,
    executor,
    hub,
    reader,
    prefix: config.livePrefix,
    limits: config.limits,
    rateLimit: rateLimiter.ws,
    production: config.production,
    allowedOrigins: config.allowedOrigins,
    authenticate: (params) => authenticator.authenticate(connectionAuthorization(params)),
    logger,
  });
  return {
    async stop() {
      await subscriptions.close();
      await hub.close();
      await http.stop();
      reader.disconnect();
      subscriber.disconnect();
    },
  };
});
