import {
  type Env,
  env,
  loadConfig,
  serviceEnv,
  webhookSecretEnv,
  webhookSecretsOf,
  z,
} from "@shopstream/config";

const schema = z.object({
  ...serviceEnv(4020),
  PAYMENTS_WEBHOOK_URL: env.httpUrl().default("http://127.0.0.1:4005/webhooks/payments"),
  ...webhookSecretEnv,
  PROVIDER_LATENCY_MS: env.int(200, 0, 60_000),
  PROVIDER_FAILURE_RATE: z.coerce
    .number()
    .min(0, "must be between 0 and 1")
    .max(1, "must be between 0 and 1")
    .default(0),
});

/** Every environment variable the provider reads. */
export const PROVIDER_ENV_KEYS = Object.keys(schema.shape);

/**
 * The provider's settings; `PAYMENTS_WEBHOOK_SECRET` is the secret it signs with (the first of
 * PAYMENTS_WEBHOOK_SECRETS when that is set).
 */
export function loadProviderConfig(source: Env = process.env) {
  const { PAYMENTS_WEBHOOK_SECRETS, ...c } = loadConfig(schema, source);
  const { secrets } = webhookSecretsOf({ ...c, PAYMENTS_WEBHOOK_SECRETS });
  return { ...c, PAYMENTS_WEBHOOK_SECRET: secrets[0] };
}
