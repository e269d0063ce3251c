import {
  ANONYMOUS,
  DEV_AUDIENCE,
  DEV_ISSUER,
  isRole,
  type Principal,
  principalOf,
  type Role,
  VerifiedTokens,
} from "@shopstream/auth";
import { DomainError } from "@shopstream/errors";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";

/**
 * Client authentication at the gateway: the `authorization` header of an HTTP request, or the
 * `authorization` of a WebSocket's `connection_init`. No credentials at all is the anonymous
 * principal; credentials that do not verify are refused (UNAUTHENTICATED), never anonymous.
 */
export interface ClientAuthenticator {
  authenticate(authorization: string | null | undefined): Promise<Principal>;
  /**
   * The same, with when the credentials stop being valid: a WebSocket connection outlives the
   * moment it was authenticated, and is closed when its token expires.
   */
  session(authorization: string | null | undefined): Promise<ClientSession>;
}

/** A verified principal and the end of its token's validity. */
export interface ClientSession {
  principal: Principal;
  /** The token's `exp` in milliseconds since the epoch; null for anonymous (no token). */
  expiresAt: number | null;
}

/** Asymmetric algorithms only: a symmetric one would let a public key be used as a secret. */
export const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

/** Finds the id of the identity record of a customer by the token's subject (cached). */
export type CustomerIdLookup = (externalId: string) => Promise<string | null>;

export interface TokenAuthenticatorOptions {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  /** Dot path of the roles claim, e.g. `roles` or `realm_access.roles`. */
  rolesClaim: string;
  customerIds?: CustomerIdLookup;
  /** Seconds of clock skew tolerated on `exp`/`nbf`. */
  clockTolerance?: number;
  /**
   * Longest a verified token is honoured without checking its signature again (default 60 s).
   * Never longer than the keys that verified it are trusted: a key the provider retires must
   * stop being honoured when the key set would be fetched again.
   */
  verifiedMaxAgeMs?: number;
}

const refused = (reason: string) =>
  new DomainError("UNAUTHENTICATED", `The bearer token was refused: ${reason}`);

/** The refusal for a jose failure, in words a client can act on (never the token itself). */
function reasonOf(error: unknown): string {
  const e = error as { code?: string; claim?: string } | null;
  switch (e?.code) {
    case "ERR_JWT_EXPIRED":
      return "it has expired";
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      return `its "${e.claim ?? "?"}" claim is not accepted`;
    case "ERR_JOSE_ALG_NOT_ALLOWED":
    case "ERR_JOSE_NOT_SUPPORTED":
      return "its algorithm is not accepted";
    case "ERR_JWKS_NO_MATCHING_KEY":
    case "ERR_JWKS_MULTIPLE_MATCHING_KEYS":
      return "it is signed by an unknown key";
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return "its signature does not verify";
    default:
      return "it is malformed";
  }
}

/**
 * JWKS failures are ours, not the client's: the request fails as unavailable, not refused. A
 * timeout, a key set that is not one, a non-200 answer, or a network failure (a plain TypeError
 * from fetch: jose's own errors always have a code).
 */
function keysUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (e?.code === "ERR_JWKS_TIMEOUT" || e?.code === "ERR_JWKS_INVALID") return true;
  if (e?.code === "ERR_JOSE_GENERIC") return /JSON Web Key Set/.test(e.message ?? "");
  return e?.code === undefined && error instanceof TypeError;
}

/** The value at a dot path of the claims (`realm_access.roles`). */
function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Known roles of the claim (an array, or a space- or comma-separated string); others ignored. */
export function rolesOf(payload: JWTPayload, path: string): Role[] {
  const value = claimAt(payload, path);
  const list = Array.isArray(value)
    ? value
    : typeof value === "string"
      ? value.split(/[\s,]+/)
      : [];
  return [...new Set(list.filter(isRole))];
}

/** The token of an `authorization` value; null when there is none (anonymous). */
function bearerOf(authorization: string | null | undefined): string | null {
  if (authorization === undefined || authorization === null) return null;
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(authorization);
  if (!match) throw refused('the authorization header must be "Bearer <token>"');
  return match[1]!;
}

export function createTokenAuthenticator(options: TokenAuthenticatorOptions): ClientAuthenticator {
  const algorithms = [...options.algorithms];
  const bad = algorithms.filter((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
  if (bad.length > 0 || algorithms.length === 0) {
    throw new Error(`not accepted as token algorithms: ${bad.join(", ") || "(none)"}`);
  }
  // The signature check only: the customer id is looked up on every request (its own cache
  // remembers found ids only), so a customer who just registered is known at their next request.
  const verified = new VerifiedTokens<JWTPayload>(10_000, options.verifiedMaxAgeMs ?? 60_000);
  async function session(authorization: string | null | undefined): Promise<ClientSession> {
    const token = bearerOf(authorization);
    if (token === null) return { principal: ANONYMOUS, expiresAt: null };
    let payload: JWTPayload | undefined = verified.get(token);
    if (!payload) payload = await verify(token);
    const sub = payload.sub;
    if (typeof sub !== "string" || sub.length === 0 || sub.length > 255) {
      throw refused('its "sub" claim is not accepted');
    }
    const roles = rolesOf(payload, options.rolesClaim);
    const customerId =
      roles.includes("customer") && options.customerIds ? await options.customerIds(sub) : null;
    // `exp` is a required claim: jose has checked that it is a number.
    return { principal: principalOf(sub, roles, customerId), expiresAt: payload.exp! * 1000 };
  }
  async function verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, options.keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms,
        requiredClaims: ["sub", "exp"],
        clockTolerance: options.clockTolerance ?? 30,
      });
      // `exp` is a required claim: jose has checked that it is a number.
      verified.set(token, payload, payload.exp! * 1000);
      return payload;
    } catch (error) {
      if (keysUnavailable(error)) {
        throw new DomainError("SERVICE_UNAVAILABLE", "The token keys could not be loaded");
      }
      throw refused(reasonOf(error));
    }
  }
  return {
    session,
    authenticate: async (authorization) => (await session(authorization)).principal,
  };
}

/** `AUTH_MODE=dev`: tokens of `pnpm token`, verified with the dev key's public half. */
export function createDevAuthenticator(
  publicKey: JWK,
  extra: Pick<TokenAuthenticatorOptions, "customerIds"> = {},
): ClientAuthenticator {
  return createTokenAuthenticator({
    keys: createLocalJWKSet({ keys: [publicKey] }),
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    algorithms: ["ES256"],
    rolesClaim: "roles",
    ...extra,
  });
}

export interface OidcOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  algorithms: readonly string[];
  rolesClaim: string;
  customerIds?: CustomerIdLookup;
  /** How long fetched keys are trusted before they are fetched again (jose's cacheMaxAge). */
  jwksCacheMaxAgeMs?: number;
  /** Least time between two fetches on an unknown key id (jose's cooldownDuration). */
  jwksCooldownMs?: number;
}

/**
 * `AUTH_MODE=oidc`: keys from the identity provider's JWKS URL. An unknown key id refetches the
 * set (after a cooldown) and the set is refetched when older than its maximum age, so keys rotate
 * without a restart: a new key is accepted, a removed one refused.
 */
export function createOidcAuthenticator(options: OidcOptions): ClientAuthenticator {
  const keysMaxAgeMs = options.jwksCacheMaxAgeMs ?? 10 * 60_000;
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: keysMaxAgeMs,
    cooldownDuration: options.jwksCooldownMs ?? 30_000,
    timeoutDuration: 5_000,
  });
  return createTokenAuthenticator({
    keys,
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms,
    rolesClaim: options.rolesClaim,
    verifiedMaxAgeMs: Math.min(60_000, keysMaxAgeMs),
    ...(options.customerIds ? { customerIds: options.customerIds } : {}),
  });
}
