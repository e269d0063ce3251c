import { loadConfigOrExit } from "@shopstream/config";
import { createLogger, runService, startHttpService } from "@shopstream/service";
import { loadProviderConfig } from "./config.ts";
import { createProvider } from "./provider.ts";

const config = loadConfigOrExit("payment-provider", () => loadProviderConfig());
const logger = createLogger("payment-provider", config.LOG_LEVEL);

await runService(logger, async () => {
  const provider = createProvider({
    webhookUrl: config.PAYMENTS_WEBHOOK_URL,
    webhookSecret: config.PAYMENTS_WEBHOOK_SECRET,
    latencyMs: config.PROVIDER_LATENCY_MS,
    failureRate: config.PROVIDER_FAILURE_RATE,
    logger,
  });
  const http = await startHttpService({
    name: "payment-provider",
    port: config.PORT,
    host: config.HOST,
    logger,
    readiness: {},
    routes: provider.mount,
  });
  return {
    async stop() {
      provider.stop();
      await http.stop();
    },
  };
});
