import { ConfigError } from "@shopstream/config";
import { pingRedis, redisHelp } from "@shopstream/redis";
import { createLogger, runService, startHttpService } from "@shopstream/service";
import { Redis } from "ioredis";
import { loadGatewayConfig } from "./config.ts";
import { createGateway } from "./gateway.ts";
import { mountGraphiQL } from "./graphiql.ts";
import { LiveHub } from "./live/hub.ts";
import { startSubscriptionServer } from "./live/subscription-server.ts";

let config: ReturnType<typeof loadGatewayConfig>;
try {
  config = loadGatewayConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`gateway: ${error.message}\n`);
  process.exit(1);
}
const logger = createLogger("gateway", config.logLevel);

await runService(logger, async () => {
  try {
    await pingRedis(config.redisUrl);
  } catch {
    process.stderr.write(`gateway: ${redisHelp(config.redisUrl)}\n`);
    process.exit(1);
  }
  const { server, subgraphUrls, executor, apiSchema } = createGateway({ ...config, logger });
  const readiness = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      name,
      async () => {
        const res = await fetch(new URL("/health", url));
        if (!res.ok) throw new Error(`health answered ${res.status}`);
      },
    ]),
  );
  const reader = new Redis(config.redisUrl, { maxRetriesPerRequest: 3 });
  const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  for (const r of [reader, subscriber]) {
    r.on("error", (error) => logger.warn("redis", { error: String(error) }));
  }
  readiness.redis = async () => {
    await reader.ping();
  };
  const http = await startHttpService({
    name: "gateway",
    port: config.port,
    host: config.host,
    logger,
    apollo: server,
    context: (base) => base,
    readiness,
    routes: mountGraphiQL,
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
