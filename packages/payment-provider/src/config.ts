import { env, loadConfig, z } from "@shopstream/config";

const schema = z.object({
  PORT: env.port(4020),
  HOST: z.string().default("0.0.0.0"),
  PAYMENTS_WEBHOOK_URL: env.httpUrl().default("http://127.0.0.1:4005/webhooks/payments"),
  PAYMENTS_WEBHOOK_SECRET: z
    .string()
    .min(16, "must be at least 16 characters")
    .default("shopstream-dev-webhook-secret"),
  PROVIDER_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(200),
  PROVIDER_FAILURE_RATE: z.coerce
    .number()
    .min(0, "must be between 0 and 1")
    .max(1, "must be between 0 and 1")
    .default(0),
  LOG_LEVEL: env.logLevel(),
});

/** Every environment variable the provider reads. */
export const PROVIDER_ENV_KEYS = Object.keys(schema.shape);

export const loadProviderConfig = (source: Record<string, string | undefined> = process.env) =>
  loadConfig(schema, source);
