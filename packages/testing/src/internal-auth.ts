import { generateKeyPairSync } from "node:crypto";
import {
  createInternalSigner,
  generateInternalKeyPair,
  type InternalKeyPair,
  type Principal,
  principalOf,
} from "@shopstream/auth";

/**
 * The principal of a subgraph's own integration tests: they exercise a context's commands and
 * reads directly, below the gateway, so they act as admin (every row of the policy table but the
 * internal ones). Tests of who may do what say their principal explicitly.
 */
export const TEST_ADMIN: Principal = principalOf("test-admin", ["admin"]);

/**
 * Gateway → subgraph credentials for tests that call a subgraph's `/graphql` over HTTP. One key
 * pair per test process: give the servers a test starts `(await testInternalKeys()).publicKey`
 * and send `await internalAuthHeaders("<subgraph>")` with each request, as the gateway would.
 */
let keys: Promise<InternalKeyPair> | undefined;
export const testInternalKeys = (): Promise<InternalKeyPair> => {
  keys ??= generateInternalKeyPair();
  return keys;
};

let signer: Promise<ReturnType<typeof createInternalSigner>> | undefined;

/** `authorization: Bearer <internal token>` for `audience` (a subgraph's name) as `principal`. */
export async function internalAuthHeaders(
  audience: string,
  principal: Principal = TEST_ADMIN,
): Promise<Record<string, string>> {
  signer ??= testInternalKeys().then(({ privateKey }) => createInternalSigner(privateKey));
  const token = await (await signer).sign(principal, audience);
  return { authorization: `Bearer ${token}` };
}

/**
 * The environment a gateway's config needs in tests that load it directly: an internal signing
 * key (made once per process, synchronously, as the operator's key generator would), and with
 * `production` the sign-in settings production requires instead of dev tokens.
 */
let sampleKey: string | undefined;
export function gatewayTestEnv(opts: { production?: boolean } = {}): Record<string, string> {
  sampleKey ??= JSON.stringify({
    ...generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" }),
    kid: "test-internal-key",
    alg: "ES256",
  });
  return {
    INTERNAL_AUTH_PRIVATE_KEY: sampleKey,
    ...(opts.production
      ? {
          NODE_ENV: "production",
          AUTH_MODE: "oidc",
          AUTH_JWKS_URL: "https://id.shop.example/.well-known/jwks.json",
          AUTH_ISSUER: "https://id.shop.example/",
          AUTH_AUDIENCE: "shopstream",
        }
      : {}),
  };
}
