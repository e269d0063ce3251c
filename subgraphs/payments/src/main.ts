import { ConfigError, loadConfig, z } from "@shopstream/config";
import { createLogger, runSubgraph } from "@shopstream/service";
import { createContext } from "./context.ts";
import { createPaymentsPrisma } from "./db.ts";
import { createServer } from "./server.ts";
import { mountPaymentWebhook } from "./webhooks/webhook-route.ts";

let secret: string;
try {
  secret = loadConfig(
    z.object({
      // A development default keeps `npm start` zero-config; production sets its own secret.
      PAYMENTS_WEBHOOK_SECRET: z
        .string()
        .min(16, "must be at least 16 characters")
        .default("shopstream-dev-webhook-secret"),
    }),
  ).PAYMENTS_WEBHOOK_SECRET;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`payments: ${error.message}\n`);
  process.exit(1);
}

await runSubgraph({
  context: "payments",
  createPrisma: createPaymentsPrisma,
  createServer,
  createContext,
  routes: (app, prisma, config) =>
    mountPaymentWebhook(app, { prisma, secret, logger: createLogger("payments", config.logLevel) }),
});
