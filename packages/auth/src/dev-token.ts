import { importJWK, type JWK, SignJWT } from "jose";
import { DEV_ALGORITHM, DEV_AUDIENCE, DEV_ISSUER } from "./dev-keys.ts";
import type { Role } from "./principal.ts";

export const DEV_TOKEN_SECONDS = 3600;

/**
 * A development bearer token (what `pnpm token` prints): subject `sub`, the given roles in the
 * `roles` claim, issuer `shopstream-dev`, audience `shopstream`.
 */
export async function signDevToken(
  privateJwk: JWK,
  claims: { sub: string; roles: Role[] },
  opts: { ttlSeconds?: number; now?: number } = {},
): Promise<string> {
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: DEV_ALGORITHM, kid: privateJwk.kid, typ: "JWT" })
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? DEV_TOKEN_SECONDS))
    .sign(await importJWK(privateJwk, DEV_ALGORITHM));
}
