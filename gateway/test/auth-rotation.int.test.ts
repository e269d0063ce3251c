import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isDomainError } from "@shopstream/errors";
import { expectDomainError, pollUntil } from "@shopstream/testing/kit";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOidcAuthenticator } from "../src/auth/index.ts";

// AUTH_MODE=oidc against a JWKS server of the test's own (127.0.0.1, a random port): the identity
// provider rotates its keys and the gateway follows without a restart.

const ISSUER = "https://idp.test/";
const AUDIENCE = "shopstream-api";

interface TestKey {
  kid: string;
  publicJwk: JWK;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
}

async function rsaKey(kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" },
  };
}

const tokenOf = (key: TestKey, roles: string[] = ["finance"]) =>
  new SignJWT({ realm_access: { roles } })
    .setProtectedHeader({ alg: "RS256", kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(`user-${key.kid}`)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key.privateKey);

let server: Server;
let served: JWK[] = [];
let fetches = 0;
let jwksUrl = "";
let a: TestKey;
let b: TestKey;

beforeAll(async () => {
  [a, b] = await Promise.all([rsaKey("key-a"), rsaKey("key-b")]);
  server = createServer((req, res) => {
    if (req.url !== "/jwks.json") {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("oidc sign-in", () => {
  it("follows the identity provider's key rotation without a restart", async () => {
    served = [a.publicJwk];
    const auth = createOidcAuthenticator({
      jwksUrl,
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["RS256", "ES256"],
      rolesClaim: "realm_access.roles",
      // Short, so the test is quick: keys are trusted for 300 ms, refetched at most every 100 ms
      // on an unknown key id.
      jwksCacheMaxAgeMs: 300,
      jwksCooldownMs: 100,
    });
    const tokenA = `Bearer ${await tokenOf(a)}`;
    const tokenB = `Bearer ${await tokenOf(b, ["support", "unknown-role"])}`;
    const accepted = (authorization: string) =>
      auth.authenticate(authorization).then(
        () => true,
        (error: unknown) => {
          if (isDomainError(error) && error.code === "UNAUTHENTICATED") return false;
          throw error;
        },
      );

    // Key A only: A's tokens pass, B's are of an unknown key.
    expect(await auth.authenticate(tokenA)).toEqual({
      kind: "staff",
      sub: "user-key-a",
      customerId: null,
      roles: ["finance"],
    });
    await expectDomainError(auth.authenticate(tokenB), "UNAUTHENTICATED");

    // The provider adds B: B's tokens pass as soon as the set is refetched, A's still do.
    served = [a.publicJwk, b.publicJwk];
    await pollUntil("B's token accepted", () => accepted(tokenB), Boolean, { timeoutMs: 5_000 });
    expect(await auth.authenticate(tokenB)).toEqual({
      kind: "staff",
      sub: "user-key-b",
      customerId: null,
      roles: ["support"],
    });
    expect(await accepted(tokenA)).toBe(true);

    // The provider retires A: its tokens are refused once the cached set has expired.
    served = [b.publicJwk];
    await pollUntil(
      "A's token refused",
      () => accepted(tokenA),
      (ok) => !ok,
      {
        timeoutMs: 5_000,
      },
    );
    await expectDomainError(auth.authenticate(tokenA), "UNAUTHENTICATED");
    expect(await accepted(tokenB)).toBe(true);

    // A burst of requests does not refetch the keys each time.
    const before = fetches;
    await Promise.all(Array.from({ length: 50 }, () => auth.authenticate(tokenB)));
    expect(fetches - before).toBeLessThanOrEqual(1);
  });

  it("answers SERVICE_UNAVAILABLE, neither anonymous nor refused, when the keys cannot be fetched", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    for (const url of [`http://127.0.0.1:${closedPort}/jwks.json`, `${jwksUrl}.missing`]) {
      const auth = createOidcAuthenticator({
        jwksUrl: url,
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ["RS256"],
        rolesClaim: "roles",
      });
      await expectDomainError(
        auth.authenticate(`Bearer ${await tokenOf(a)}`),
        "SERVICE_UNAVAILABLE",
      );
    }
  });
});
