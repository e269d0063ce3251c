import { loadConfigOrExit } from "@shopstream/config";
import { createLogger, runSubgraph } from "@shopstream/service";
import { loadPaymentsConfig } from "./config.ts";
import { createContext } from "./context.ts";
import { createPaymentsPrisma } from "./db.ts";
import { createServer } from "./server.ts";
import { mountPaymentWebhook } from "./webhooks/webhook-route.ts";

const payments = loadConfigOrExit("payments", loadPaymentsConfig);

await runSubgraph({
  context: "payments",
  createPrisma: createPaymentsPrisma,
  createServer,
  createContext,
  routes: (app, prisma, config) =>
    mountPaymentWebhook(app, {
      prisma,
      // During a rotation every configured secret verifies; the provider signs with the first.
      secret: payments.webhookSecrets ?? payments.webhookSecret,
      logger: createLogger("payments", config.logLevel),
    }),
});
