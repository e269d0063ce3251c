import { loadConfig, webhookSecretEnv, webhookSecretsOf, z } from "@shopstream/config";

/** The webhook secrets (shared with the simulated provider, which signs with the first). */
const schema = z.object(webhookSecretEnv);

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
  const { secrets, rotating } = webhookSecretsOf(loadConfig(schema, source));
  return { webhookSecret: secrets[0], ...(rotating ? { webhookSecrets: secrets } : {}) };
}
