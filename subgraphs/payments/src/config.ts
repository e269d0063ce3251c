import { ConfigError, loadConfig, z } from "@shopstream/config";

/** The development default: public (it is in the source), so refused under NODE_ENV=production. */
export const DEV_WEBHOOK_SECRET = "shopstream-dev-webhook-secret";

const secretRule = z.string().min(16, "must be at least 16 characters");

const schema = z.object({
  // A development default keeps `npm start` zero-config; production sets its own secret. The
  // simulated provider signs with the same variables, default and rules.
  PAYMENTS_WEBHOOK_SECRET: secretRule.default(DEV_WEBHOOK_SECRET),
  /**
   * Rotation: `<new>,<old>` (at most two). The first signs (the provider), either verifies, so
   * the provider can move to the new secret while reports signed with the old one still land.
   * Takes precedence over PAYMENTS_WEBHOOK_SECRET.
   */
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
});

/** Every environment variable payments reads beyond every subgraph's own. */
export const PAYMENTS_ENV_KEYS = Object.keys(schema.shape);

/** What the payments process reads beyond every subgraph's settings (port, database, log level). */
export interface PaymentsConfig {
  /** Verifies the provider's webhook signatures (docs/payments.md, "Provider webhooks"). */
  webhookSecret: string;
  /**
   * Every secret that verifies, the signing one first, when PAYMENTS_WEBHOOK_SECRETS is set
   * (a rotation); absent, `webhookSecret` alone verifies.
   */
  webhookSecrets?: string[];
}

export function loadPaymentsConfig(
  source: Record<string, string | undefined> = process.env,
): PaymentsConfig {
  const c = loadConfig(schema, source);
  const secrets = c.PAYMENTS_WEBHOOK_SECRETS ?? [c.PAYMENTS_WEBHOOK_SECRET];
  if (c.NODE_ENV === "production" && secrets.includes(DEV_WEBHOOK_SECRET)) {
    throw new ConfigError([
      "PAYMENTS_WEBHOOK_SECRET: must be a secret of your own under NODE_ENV=production (the development default is public)",
    ]);
  }
  return {
    webhookSecret: secrets[0]!,
    ...(c.PAYMENTS_WEBHOOK_SECRETS ? { webhookSecrets: secrets } : {}),
  };
}
