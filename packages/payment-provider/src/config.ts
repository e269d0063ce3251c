import { type Env, env, loadConfig, serviceEnv, z } from "@shopstream/config";

const schema = z.object({
  ...serviceEnv(4020),
  PAYMENTS_WEBHOOK_URL: env.httpUrl().default("http://127.0.0.1:4005/webhooks/payments"),
  PAYMENTS_WEBHOOK_SECRET: z
    .string()
    .min(16, "must be at least 16 characters")
    .default("shopstream-dev-webhook-secret"),
  PROVIDER_LATENCY_MS: env.int(200, 0, 60_000),
  PROVIDER_FAILURE_RATE: z.coerce
    .number()
    .min(0, "must be between 0 and 1")
    .max(1, "must be between 0 and 1")
    .default(0),
});

/** Every environment variable the provider reads. */
export const PROVIDER_ENV_KEYS = Object.keys(schema.shape);

export const loadProviderConfig = (source: Env = process.env) => loadConfig(schema, source);
