import {
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { isRole, type Principal, type PrincipalKind } from "./principal.ts";
import { VerifiedTokens } from "./verified-tokens.ts";

/**
 * Gateway → subgraph credentials. The gateway verifies the client's token once, then sends each
 * subgraph a short-lived token of its own (ES256, audience = that subgraph) carrying the
 * principal; a subgraph answers 401 to any GraphQL request without a valid one. Only the gateway
 * holds the private key, so a subgraph (or anyone who reaches its port) cannot mint a token, and
 * a token minted for one subgraph is refused by the others.
 */

export const INTERNAL_ISSUER = "shopstream-gateway";
export const INTERNAL_ALGORITHM = "ES256";
/** Long enough for one federated request, short enough that a leaked token is soon worthless. */
export const INTERNAL_TOKEN_SECONDS = 60;

export interface InternalKeyPair {
  privateKey: JWK;
  publicKey: JWK;
}

/** A fresh ES256 key pair with a key id, as JWKs (what the start command hands the services). */
export async function generateInternalKeyPair(): Promise<InternalKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(INTERNAL_ALGORITHM, {
    extractable: true,
  });
  const kid = crypto.randomUUID();
  return {
    privateKey: { ...(await exportJWK(privateKey)), kid, alg: INTERNAL_ALGORITHM },
    publicKey: { ...(await exportJWK(publicKey)), kid, alg: INTERNAL_ALGORITHM },
  };
}

interface PrincipalClaims extends JWTPayload {
  kind: PrincipalKind;
  cid: string | null;
  roles: string[];
}

/**
 * Signs internal tokens. A token is reused for the same principal and audience until it is
 * within a third of its lifetime of expiring, so a burst of requests signs once, not per request.
 */
export function createInternalSigner(
  privateJwk: JWK,
  opts: { lifetimeSeconds?: number; now?: () => number } = {},
) {
  const lifetime = opts.lifetimeSeconds ?? INTERNAL_TOKEN_SECONDS;
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  const key = importJWK(privateJwk, INTERNAL_ALGORITHM);
  const cache = new Map<string, { token: string; renewAt: number }>();
  return {
    async sign(principal: Principal, audience: string): Promise<string> {
      const cacheKey = JSON.stringify([audience, principal]);
      const t = now();
      const cached = cache.get(cacheKey);
      if (cached && cached.renewAt > t) return cached.token;
      const claims: PrincipalClaims = {
        kind: principal.kind,
        cid: principal.customerId,
        roles: principal.roles,
      };
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: INTERNAL_ALGORITHM, kid: privateJwk.kid })
        .setIssuer(INTERNAL_ISSUER)
        .setAudience(audience)
        .setIssuedAt(t)
        .setExpirationTime(t + lifetime);
      if (principal.sub !== null) jwt.setSubject(principal.sub);
      const token = await jwt.sign(await key);
      if (cache.size > 10_000) cache.clear();
      cache.set(cacheKey, { token, renewAt: t + Math.floor((lifetime * 2) / 3) });
      return token;
    },
  };
}

export class InvalidInternalToken extends Error {
  override name = "InvalidInternalToken";
}

const KINDS: readonly PrincipalKind[] = ["anonymous", "customer", "staff", "service"];

/** Verifies internal tokens addressed to `audience`; accepts any of `publicJwks` (rotation). */
export function createInternalVerifier(publicJwks: JWK[], audience: string) {
  const keys = new Map(
    publicJwks.map((jwk) => [jwk.kid ?? "", importJWK(jwk, INTERNAL_ALGORITHM)] as const),
  );
  const verified = new VerifiedTokens<Principal>();
  return {
    async verify(token: string): Promise<Principal> {
      const known = verified.get(token);
      if (known) return known;
      try {
        const { payload } = await jwtVerify<PrincipalClaims>(
          token,
          async (header) => {
            const key = keys.get(header.kid ?? "");
            if (!key) throw new InvalidInternalToken(`unknown key id ${header.kid ?? "(none)"}`);
            return key;
          },
          { issuer: INTERNAL_ISSUER, audience, algorithms: [INTERNAL_ALGORITHM] },
        );
        if (!KINDS.includes(payload.kind)) throw new InvalidInternalToken("unknown principal kind");
        const principal: Principal = {
          kind: payload.kind,
          sub: payload.sub ?? null,
          customerId: typeof payload.cid === "string" ? payload.cid : null,
          roles: Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [],
        };
        verified.set(token, principal, payload.exp === undefined ? null : payload.exp * 1000);
        return principal;
      } catch (error) {
        if (error instanceof InvalidInternalToken) throw error;
        throw new InvalidInternalToken(error instanceof Error ? error.message : String(error));
      }
    },
  };
}
