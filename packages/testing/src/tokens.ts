import type { StaffRole } from "@shopstream/auth";
import { type DevTokenPrincipal, mintDevToken } from "@shopstream/stack";

/**
 * Who a test acts as, through the token path a user has: a bearer token signed with the running
 * stack's development key, exactly what `pnpm token` prints (`mintDevToken` of @shopstream/stack).
 *
 * - `"anonymous"`: no token at all;
 * - a staff role (`"fulfilment"`): that role, subject `dev-<role>` (as `pnpm token --role`);
 * - `{ customer: externalId }`: a customer as themselves (as `pnpm token --customer`);
 * - `{ role, sub }`: a staff role under a subject of the test's own.
 */
export type TestPrincipal = "anonymous" | StaffRole | DevTokenPrincipal;

const cache = new Map<string, Promise<string>>();

const devPrincipalOf = (principal: Exclude<TestPrincipal, "anonymous">): DevTokenPrincipal =>
  typeof principal === "string" ? { role: principal } : principal;

/**
 * The tokens of the e2e stack's (or a `pnpm dev` stack's) development sign-in. Tokens are made
 * once per principal and test process (valid for an hour, longer than a test run).
 */
export const tokens = {
  /** The bearer token `principal` signs in with; undefined for anonymous. */
  async of(principal: TestPrincipal): Promise<string | undefined> {
    if (principal === "anonymous") return undefined;
    const dev = devPrincipalOf(principal);
    const key = JSON.stringify(dev);
    let token = cache.get(key);
    if (!token) {
      token = mintDevToken(dev);
      cache.set(key, token);
      // A failure (no key yet) is not cached: the next call reads the key file again.
      token.catch(() => cache.delete(key));
    }
    return token;
  },

  /** The request headers `principal` signs in with: `authorization: Bearer …`, none for anonymous. */
  async headers(principal: TestPrincipal): Promise<Record<string, string>> {
    const token = await tokens.of(principal);
    return token === undefined ? {} : { authorization: `Bearer ${token}` };
  },

  /** A WebSocket's `connection_init` payload for `principal` (graphql-ws `connectionParams`). */
  async connectionParams(principal: TestPrincipal): Promise<Record<string, unknown>> {
    return tokens.headers(principal);
  },
};

/** How a test principal is named in messages: `fulfilment`, `customer ext-…`, `anonymous`. */
export const principalName = (principal: TestPrincipal): string =>
  typeof principal === "string"
    ? principal
    : "customer" in principal
      ? `customer ${principal.customer}`
      : `${principal.role} ${principal.sub ?? ""}`.trim();
