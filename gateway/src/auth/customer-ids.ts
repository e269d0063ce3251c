import { type Principal, principalOf } from "@shopstream/auth";
import type { Logger } from "@shopstream/service";
import type { CustomerIdLookup } from "./authenticator.ts";

/** Signs an internal token for a principal and a subgraph (`createInternalSigner`). */
export interface InternalSigner {
  sign(principal: Principal, audience: string): Promise<string>;
}

/** Who the gateway is when it asks a subgraph something for itself. */
export const GATEWAY_PRINCIPAL: Principal = principalOf("gateway", []);

const QUERY =
  "query CustomerIdByExternalId($externalId: String!) { _customerIdByExternalId(externalId: $externalId) }";

/**
 * Asks identity directly (its internal, @inaccessible `_customerIdByExternalId`) for the id of
 * the customer registered under a token's subject, as the gateway itself.
 */
export function identityCustomerLookup(options: {
  identityUrl: string;
  signer: InternalSigner;
  fetch?: typeof fetch;
}): CustomerIdLookup {
  const doFetch = options.fetch ?? fetch;
  return async (externalId) => {
    const token = await options.signer.sign(GATEWAY_PRINCIPAL, "identity");
    const res = await doFetch(options.identityUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY, variables: { externalId } }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json().catch(() => null)) as {
      data?: { _customerIdByExternalId?: string | null } | null;
      errors?: { message: string }[];
    } | null;
    if (!res.ok || !body || body.errors?.length || !body.data) {
      throw new Error(
        `identity answered ${res.status}${body?.errors?.[0] ? `: ${body.errors[0].message}` : ""}`,
      );
    }
    return body.data._customerIdByExternalId ?? null;
  };
}

/**
 * Caches look-ups: a found id for `positiveMs` (the mapping never changes), a miss for only
 * `negativeMs` (a customer who just registered is found on their next request), a failure not
 * at all (the principal then has no customer id: it owns nothing, it is not anyone else).
 * Concurrent look-ups of one subject share one request.
 */
export function cachedCustomerLookup(
  lookup: CustomerIdLookup,
  options: {
    positiveMs?: number;
    negativeMs?: number;
    max?: number;
    logger?: Logger;
    now?: () => number;
  } = {},
): CustomerIdLookup & { size: () => number } {
  const positiveMs = options.positiveMs ?? 10 * 60_000;
  const negativeMs = options.negativeMs ?? 1_000;
  const max = options.max ?? 10_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { id: string | null; until: number }>();
  const inflight = new Map<string, Promise<string | null>>();
  const cached = async (externalId: string) => {
    const hit = cache.get(externalId);
    if (hit && hit.until > now()) return hit.id;
    let pending = inflight.get(externalId);
    if (!pending) {
      pending = lookup(externalId)
        .then((id) => {
          if (cache.size >= max) cache.delete(cache.keys().next().value as string);
          const ttl = id === null ? negativeMs : positiveMs;
          if (ttl > 0) cache.set(externalId, { id, until: now() + ttl });
          else cache.delete(externalId);
          return id;
        })
        .catch((error: unknown) => {
          options.logger?.warn("customer id look-up failed", { error: String(error) });
          return null;
        })
        .finally(() => inflight.delete(externalId));
      inflight.set(externalId, pending);
    }
    return pending;
  };
  return Object.assign(cached, { size: () => cache.size });
}
