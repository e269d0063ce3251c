import { createInternalSigner } from "@shopstream/auth";
import { loadConfigOrExit } from "@shopstream/config";
import { createMetricsRegistry, GraphqlMetrics } from "@shopstream/metrics";
import { requireRedis } from "@shopstream/redis";
import { createLogger, graphqlMetricsPlugin, runService } from "@shopstream/service";
import {
  cachedCustomerLookup,
  createClientAuthenticator,
  identityCustomerLookup,
  registrationForgetsMissPlugin,
} from "./auth/index.ts";
import { loadGatewayConfig } from "./config.ts";
import { createGateway, type GatewayReadCache } from "./gateway.ts";
import { PUBLIC_READ_SUBGRAPHS, SubgraphReadCache } from "./read-cache.ts";
import { serveGateway } from "./serve.ts";

const config = loadConfigOrExit("gateway", () => loadGatewayConfig());
const logger = createLogger("gateway", config.logLevel);
await requireRedis("gateway", config.redisUrl);

await runService(logger, async () => {
  const internalSigner = createInternalSigner(config.internalPrivateKey);
  const registry = createMetricsRegistry("gateway");
  const readCache: GatewayReadCache = new SubgraphReadCache({
    ...config.reads,
    cachedSubgraphs: PUBLIC_READ_SUBGRAPHS,
  });
  const gateway = createGateway({ ...config, logger, internalSigner, readCache });
  const { server, subgraphUrls } = gateway;
  server.addPlugin(graphqlMetricsPlugin(new GraphqlMetrics(registry)));
  const identityUrl = subgraphUrls.identity;
  const customerIds = identityUrl
    ? cachedCustomerLookup(identityCustomerLookup({ identityUrl, signer: internalSigner }), {
        logger,
      })
    : undefined;
  // A customer who registers through this gateway is theirs on their very next request.
  if (customerIds) server.addPlugin(registrationForgetsMissPlugin(customerIds));
  const authenticator = await createClientAuthenticator(config.auth, {
    logger,
    ...(customerIds ? { customerIds } : {}),
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
  return serveGateway({
    config,
    gateway,
    logger,
    authenticator,
    readiness,
    metrics: registry,
    readCache,
  });
});
