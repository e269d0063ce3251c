import { createHmac } from "node:crypto";

/**
 * The provider's side of the webhook signature (`t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`).
 * Kept here rather than imported from payments: the provider stands for an outside system that
 * only shares the documented scheme and the secret.
 */
export function signWebhook(secret: string, rawBody: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex")}`;
}
