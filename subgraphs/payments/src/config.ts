import { loadConfig, z } from "@shopstream/config";

const schema = z.object({
  // A development default keeps `npm start` zero-config; production sets its own secret. The
  // simulated provider signs with the same variable, default and rule.
  PAYMENTS_WEBHOOK_SECRET: z
    .string()
    .min(16, "must be at least 16 characters")
    .default("shopstream-dev-webhook-secret"),
});

/** What the payments process reads beyond every subgraph's settings (port, database, log level). */
export interface PaymentsConfig {
  /** Verifies the provider's webhook signatures (docs/payments.md, "Provider webhooks"). */
  webhookSecret: string;
}

export function loadPaymentsConfig(
  source: Record<string, string | undefined> = process.env,
): PaymentsConfig {
  return { webhookSecret: loadConfig(schema, source).PAYMENTS_WEBHOOK_SECRET };
}
