import { ConfigError, type Env, env, loadConfig, serviceEnv, z } from "@shopstream/config";

/** The development default shared with payments: public, so refused under NODE_ENV=production. */
const DEV_WEBHOOK_SECRET = "shopstream-dev-webhook-secret";

const secretRule = z.string().min(16, "must be at least 16 characters");

const schema = z.object({
  ...serviceEnv(4020),
  PAYMENTS_WEBHOOK_URL: env.httpUrl().default("http://127.0.0.1:4005/webhooks/payments"),
  PAYMENTS_WEBHOOK_SECRET: secretRule.default(DEV_WEBHOOK_SECRET),
  /** Rotation, as payments reads it: `<new>,<old>`; the provider signs with the first. */
  PAYMENTS_WEBHOOK_SECRETS: z
    .string()
    .transform((value) => value.split(",").map((s) => s.trim()))
    .pipe(
      z
        .array(secretRule)
        .min(1)
        .max(2, "holds at most two secrets: the new one first, the one it replaces second"),
    )
    .optional(),
  NODE_ENV: z.string().optional(),
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
  const signing = PAYMENTS_WEBHOOK_SECRETS?.[0] ?? c.PAYMENTS_WEBHOOK_SECRET;
  if (c.NODE_ENV === "production" && signing === DEV_WEBHOOK_SECRET) {
    throw new ConfigError([
      "PAYMENTS_WEBHOOK_SECRET: must be a secret of your own under NODE_ENV=production (the development default is public)",
    ]);
  }
  return { ...c, PAYMENTS_WEBHOOK_SECRET: signing };
}
