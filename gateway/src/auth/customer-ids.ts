import type { ApolloServerPlugin } from "@apollo/server";
import { type Principal, principalOf } from "@shopstream/auth";
import type { Logger } from "@shopstream/service";
import { Kind, type SelectionSetNode, valueFromASTUntyped } from "graphql";
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

/** A customer id look-up that can be told a subject has just registered. */
export type CachedCustomerLookup = CustomerIdLookup & {
  size: () => number;
  /**
   * Drops what is cached, or being looked up, for `externalId`: its next request asks identity
   * again. Called when the subject registered through this gateway, so that the miss its own
   * registration request cached does not hide the new customer for `negativeMs`.
   */
  forget: (externalId: string) => void;
};

/**
 * Caches look-ups: a found id for `positiveMs` (the mapping never changes), a miss for only
 * `negativeMs` (a customer who just registered elsewhere is found soon; one who registered
 * through this gateway is forgotten at once, `forget`), a failure not at all (the principal then
 * has no customer id: it owns nothing, it is not anyone else). Concurrent look-ups of one
 * subject share one request.
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
): CachedCustomerLookup {
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
      const current: Promise<string | null> = lookup(externalId)
        .then((id) => {
          // Forgotten while on its way: the answer may predate the registration, keep nothing.
          if (inflight.get(externalId) !== current) return id;
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
        .finally(() => {
          if (inflight.get(externalId) === current) inflight.delete(externalId);
        });
      pending = current;
      inflight.set(externalId, pending);
    }
    return pending;
  };
  const forget = (externalId: string) => {
    cache.delete(externalId);
    inflight.delete(externalId);
  };
  return Object.assign(cached, { size: () => cache.size, forget });
}

/** The `externalId` of every `registerCustomer` in `selectionSet` that answered data. */
function registeredExternalIds(
  selectionSet: SelectionSetNode,
  data: Record<string, unknown>,
  variables: Record<string, unknown>,
): string[] {
  const found: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      found.push(...registeredExternalIds(selection.selectionSet, data, variables));
      continue;
    }
    if (selection.kind !== Kind.FIELD || selection.name.value !== "registerCustomer") continue;
    if (data[selection.alias?.value ?? "registerCustomer"] == null) continue;
    const input = selection.arguments?.find((a) => a.name.value === "input");
    const value = input ? (valueFromASTUntyped(input.value, variables) as unknown) : undefined;
    const externalId = (value as { externalId?: unknown } | null | undefined)?.externalId;
    if (typeof externalId === "string") found.push(externalId);
  }
  return found;
}

/**
 * A customer registers with their own token, so the request that registers them was signed in
 * before the customer existed: its look-up cached a miss for their subject. When a
 * `registerCustomer` for the caller's own subject succeeds, that miss is forgotten, so the
 * customer's next request (placing an order, say) is theirs at once instead of up to
 * `negativeMs` later. Registering someone else (support on a customer's behalf) forgets nothing.
 */
export function registrationForgetsMissPlugin(
  lookup: Pick<CachedCustomerLookup, "forget">,
): ApolloServerPlugin<{ principal?: Principal }> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation, request, contextValue }) {
          const sub = contextValue.principal?.sub;
          if (!sub || operation?.operation !== "mutation" || response.body.kind !== "single") {
            return;
          }
          const data = response.body.singleResult.data;
          if (!data) return;
          const ids = registeredExternalIds(operation.selectionSet, data, request.variables ?? {});
          if (ids.includes(sub)) lookup.forget(sub);
        },
      };
    },
  };
}
