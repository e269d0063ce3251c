import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook authentication: `x-shopstream-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">` (the scheme Stripe popularised). The timestamp is signed too, so a captured
 * request cannot be replayed after the tolerance window.
 */
export const SIGNATURE_HEADER = "x-shopstream-signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, rawBody: string, timestamp: number): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

/**
 * Checks the signature against `secret`, or against each of several during a rotation (any one
 * matching will do).
 */
export function verifyWebhook(
  secret: string | readonly string[],
  rawBody: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
  if (!header) return { ok: false, reason: "missing" };
  const parts = Object.fromEntries(
    header.split(",").map((p) => p.trim().split("=", 2) as [string, string]),
  );
  const timestamp = Number(parts.t);
  const given = parts.v1;
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given))
    return { ok: false, reason: "malformed" };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { ok: false, reason: "stale" };
  const signature = Buffer.from(given, "hex");
  // Every secret is tried (no early exit), so the time taken does not tell which one matched.
  let matched = false;
  for (const s of typeof secret === "string" ? [secret] : secret) {
    const expected = createHmac("sha256", s).update(`${timestamp}.${rawBody}`).digest();
    if (timingSafeEqual(expected, signature)) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: "mismatch" };
}
