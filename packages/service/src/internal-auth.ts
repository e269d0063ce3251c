import { createInternalVerifier, InvalidInternalToken } from "@shopstream/auth";
import { ConfigError } from "@shopstream/config";
import { DomainError } from "@shopstream/errors";
import type { Authenticate } from "./http-service.ts";

/** The environment variable holding the gateway's public key(s): one JWK or an array of them. */
export const INTERNAL_AUTH_PUBLIC_KEYS = "INTERNAL_AUTH_PUBLIC_KEYS";

/** A public JWK the gateway's internal tokens may be signed with. */
export type InternalPublicKey = Parameters<typeof createInternalVerifier>[0][number];

const problem = (message: string) => new ConfigError([`${INTERNAL_AUTH_PUBLIC_KEYS}: ${message}`]);

/**
 * Reads `INTERNAL_AUTH_PUBLIC_KEYS`. Several keys may be listed so the gateway's key can rotate
 * without a gap. Refused: anything but ES256 public keys with a key id, and any private key (a
 * subgraph holding one could mint tokens for every other subgraph).
 */
export function parseInternalPublicKeys(raw: string | undefined): InternalPublicKey[] {
  if (raw === undefined || raw.trim() === "") {
    throw problem(
      "is required: the gateway's public key(s) as JWK JSON (one key or an array), which the start command generates",
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw problem("is not valid JSON (expected one JWK or an array of JWKs)");
  }
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  if (keys.length === 0) throw problem("lists no key");
  keys.forEach((key, i) => {
    const at = Array.isArray(parsed) ? ` (key ${i})` : "";
    if (typeof key !== "object" || key === null || Array.isArray(key)) {
      throw problem(`is not a JWK${at}`);
    }
    const k = key as Record<string, unknown>;
    if ("d" in k) throw problem(`holds a private key${at}; give the subgraphs the public key only`);
    const base64url = (v: unknown) => typeof v === "string" && /^[A-Za-z0-9_-]{43}$/.test(v);
    if (k.kty !== "EC" || k.crv !== "P-256" || !base64url(k.x) || !base64url(k.y)) {
      throw problem(`is not an ES256 (EC P-256) public JWK${at}`);
    }
    if (typeof k.kid !== "string" || k.kid.length === 0) throw problem(`has no "kid"${at}`);
  });
  return keys as InternalPublicKey[];
}

/**
 * A subgraph's `authenticate`: every GraphQL request must carry `authorization: Bearer <token>`
 * with an internal token the gateway signed for this subgraph (`audience`), still valid. The
 * principal inside it is the caller. Anything else is refused with `UNAUTHENTICATED` (401).
 */
export function internalAuthenticator(
  publicKeys: InternalPublicKey[],
  audience: string,
): Authenticate {
  const verifier = createInternalVerifier(publicKeys, audience);
  return async (req) => {
    const header = req.headers.authorization;
    const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new DomainError(
        "UNAUTHENTICATED",
        "This service answers only the gateway: an internal token is required",
      );
    }
    try {
      return await verifier.verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidInternalToken) {
        throw new DomainError(
          "UNAUTHENTICATED",
          "The internal token is not valid for this service",
        );
      }
      throw error;
    }
  };
}
