import { type Role, readDevKey, type StaffRole, signDevToken } from "@shopstream/auth";
import { DEFAULT_DEV_KEY_FILE } from "./stack.ts";

/**
 * Whom a development token signs in: a member of staff in one role (subject `dev-<role>` unless
 * given), or a customer as themselves (subject = their `externalId`, role `customer`).
 */
export type DevTokenPrincipal = { role: StaffRole; sub?: string } | { customer: string };

/** The subject and roles of a development token, exactly as `pnpm token` chooses them. */
export function devTokenClaims(principal: DevTokenPrincipal): { sub: string; roles: Role[] } {
  if ("customer" in principal) return { sub: principal.customer, roles: ["customer"] };
  return {
    sub: principal.sub ?? `dev-${principal.role.replaceAll("_", "-")}`,
    roles: [principal.role],
  };
}

/**
 * A bearer token for the running stack's development sign-in (`AUTH_MODE=dev`), signed with the
 * key the gateway made in `keyFile` (default: `AUTH_DEV_KEY_FILE`, else the repository's
 * `.data/auth/dev-signing-key.json`). What `pnpm token` prints; tests and the load test sign in
 * through it too, so they take the path a developer's curl takes. Throws `MissingDevKey` when the
 * stack has not made its key yet.
 */
export async function mintDevToken(
  principal: DevTokenPrincipal,
  opts: { keyFile?: string; ttlSeconds?: number } = {},
): Promise<string> {
  const key = await readDevKey(
    opts.keyFile ?? process.env.AUTH_DEV_KEY_FILE ?? DEFAULT_DEV_KEY_FILE,
  );
  return signDevToken(
    key.privateKey,
    devTokenClaims(principal),
    opts.ttlSeconds === undefined ? {} : { ttlSeconds: opts.ttlSeconds },
  );
}
