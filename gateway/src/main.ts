import { ConfigError } from "@shopstream/config";
import { createLogger, runService, startHttpService } from "@shopstream/service";
import { loadGatewayConfig } from "./config.ts";
import { createGateway } from "./gateway.ts";
import { mountGraphiQL } from "./graphiql.ts";

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
  const { server, subgraphUrls } = createGateway({ ...config, logger });
  const readiness = Object.fromEntries(
    Object.entries(subgraphUrls).map(([name, url]) => [
      name,
      async () => {
        const res = await fetch(new URL("/health", url));
        if (!res.ok) throw new Error(`health answered ${res.status}`);
      },
    ]),
  );
  return startHttpService({
    name: "gateway",
    port: config.port,
    host: config.host,
    logger,
    apollo: server,
    context: (base) => base,
    readiness,
    routes: mountGraphiQL,
  });
});
