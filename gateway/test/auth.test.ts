import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloServer } from "@apollo/server";
import {
  ANONYMOUS,
  DEV_AUDIENCE,
  DEV_ISSUER,
  type DevKey,
  loadOrCreateDevKey,
  type Principal,
  principalOf,
  readDevKey,
  signDevToken,
} from "@shopstream/auth";
import { ConfigError } from "@shopstream/config";
import { expectDomainError } from "@shopstream/testing/kit";
import {
  createLocalJWKSet,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cachedCustomerLookup,
  createDevAuthenticator,
  createTokenAuthenticator,
  registrationForgetsMissPlugin,
  rolesOf,
} from "../src/auth/index.ts";
import { loadGatewayConfig } from "../src/config.ts";

let dir: string;
let dev: DevKey;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "shopstream-auth-"));
  dev = await loadOrCreateDevKey(join(dir, "auth", "dev-signing-key.json"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the dev key unless told otherwise, with the dev issuer and audience. */
async function devToken(
  claims: Record<string, unknown> = { roles: ["support"] },
  opts: { iss?: string; aud?: string; exp?: number; sub?: string; key?: JWK; kid?: string } = {},
) {
  const key = opts.key ?? dev.privateKey;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: opts.kid ?? key.kid ?? "" })
    .setIssuer(opts.iss ?? DEV_ISSUER)
    .setAudience(opts.aud ?? DEV_AUDIENCE)
    .setSubject(opts.sub ?? "alice")
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? now() + 600)
    .sign(await importJWK(key, "ES256"));
}

describe("the development key", () => {
  it("is made once, in a folder of its own, readable only by its owner", async () => {
    const file = join(dir, "auth", "dev-signing-key.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "auth"))).mode & 0o777).toBe(0o700);
    expect(await loadOrCreateDevKey(file)).toEqual(dev);
    expect(await readDevKey(file)).toEqual(dev);
    expect(dev.publicKey.d).toBeUndefined();
  });

  it("is the same for processes that make it at once", async () => {
    const file = join(dir, "race", "key.json");
    const keys = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateDevKey(file)));
    for (const key of keys) expect(key).toEqual(keys[0]);
  });
});

describe("the client authenticator", () => {
  const auth = () => createDevAuthenticator(dev.publicKey);
  const refused = async (authorization: string, reason: RegExp) => {
    const error = await expectDomainError(auth().authenticate(authorization), "UNAUTHENTICATED");
    expect(error.message).toMatch(reason);
  };

  it("makes no credentials the anonymous principal", async () => {
    expect(await auth().authenticate(undefined)).toEqual(ANONYMOUS);
    expect(await auth().authenticate(null)).toEqual(ANONYMOUS);
  });

  it("makes a good dev token its principal, with only the roles it knows", async () => {
    const staff = await auth().authenticate(
      `Bearer ${await signDevToken(dev.privateKey, { sub: "sam", roles: ["support", "finance"] })}`,
    );
    expect(staff).toEqual({
      kind: "staff",
      sub: "sam",
      customerId: null,
      roles: ["support", "finance"],
    });
    const odd = await auth().authenticate(
      `bearer ${await devToken({ roles: ["admin", "superuser", 7] })}`,
    );
    expect(odd.roles).toEqual(["admin"]);
  });

  it("gives a customer the id of its identity record, looked up by the token's subject", async () => {
    const asked: string[] = [];
    const authenticator = createDevAuthenticator(dev.publicKey, {
      customerIds: async (externalId) => {
        asked.push(externalId);
        return externalId === "ext-1" ? "c0ffee00-0000-4000-8000-000000000001" : null;
      },
    });
    const token = (sub: string) => signDevToken(dev.privateKey, { sub, roles: ["customer"] });
    expect(await authenticator.authenticate(`Bearer ${await token("ext-1")}`)).toEqual({
      kind: "customer",
      sub: "ext-1",
      customerId: "c0ffee00-0000-4000-8000-000000000001",
      roles: ["customer"],
    });
    // Not registered yet: a customer all the same, owning nothing.
    expect((await authenticator.authenticate(`Bearer ${await token("ext-2")}`)).customerId).toBe(
      null,
    );
    expect(asked).toEqual(["ext-1", "ext-2"]);
  });

  it("tells when a session's token expires (a WebSocket is closed then), and that no token never does", async () => {
    const exp = now() + 90;
    expect(
      await auth().session(`Bearer ${await devToken({ roles: ["finance"] }, { exp })}`),
    ).toEqual({
      principal: { kind: "staff", sub: "alice", customerId: null, roles: ["finance"] },
      expiresAt: exp * 1000,
    });
    expect(await auth().session(undefined)).toEqual({ principal: ANONYMOUS, expiresAt: null });
    await expectDomainError(auth().session("Bearer x.y.z"), "UNAUTHENTICATED");
  });

  it("refuses an expired token", async () => {
    await refused(`Bearer ${await devToken({}, { exp: now() - 120 })}`, /expired/);
  });

  it("refuses a token of another issuer or for another audience", async () => {
    await refused(`Bearer ${await devToken({}, { iss: "https://evil.example" })}`, /"iss"/);
    await refused(`Bearer ${await devToken({}, { aud: "another-api" })}`, /"aud"/);
  });

  it('refuses an unsigned token (alg "none")', async () => {
    const payload = { sub: "alice", roles: ["admin"], iss: DEV_ISSUER, aud: DEV_AUDIENCE };
    await refused(
      `Bearer ${b64({ alg: "none", typ: "JWT" })}.${b64({ ...payload, exp: now() + 600 })}.`,
      /algorithm|malformed/,
    );
  });

  it("refuses an HS256 token signed with the public key as its secret", async () => {
    const { x, y, crv, kty } = dev.publicKey;
    for (const secret of [
      JSON.stringify({ crv, kty, x, y }),
      JSON.stringify(dev.publicKey),
      await exportSPKI(
        (await importJWK(dev.publicKey, "ES256")) as Parameters<typeof exportSPKI>[0],
      ),
    ]) {
      const token = await new SignJWT({ roles: ["admin"] })
        .setProtectedHeader({ alg: "HS256", kid: dev.publicKey.kid ?? "" })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject("mallory")
        .setExpirationTime(now() + 600)
        .sign(new TextEncoder().encode(secret));
      await refused(`Bearer ${token}`, /algorithm/);
    }
  });

  it("refuses a token of an unknown key, or of another key claiming the known key's id", async () => {
    const other = await generateKeyPair("ES256", { extractable: true });
    const otherJwk = { ...(await exportJWK(other.privateKey)), kid: "someone-else" };
    await refused(`Bearer ${await devToken({}, { key: otherJwk })}`, /unknown key/);
    await refused(
      `Bearer ${await devToken({}, { key: otherJwk, kid: dev.publicKey.kid! })}`,
      /signature/,
    );
  });

  it("refuses a token whose payload was changed", async () => {
    const [header, , signature] = (await devToken({ roles: ["customer"] })).split(".");
    const forged = b64({
      roles: ["admin"],
      sub: "alice",
      iss: DEV_ISSUER,
      aud: DEV_AUDIENCE,
      exp: now() + 600,
    });
    await refused(`Bearer ${header}.${forged}.${signature}`, /signature/);
  });

  it("refuses malformed credentials rather than treating them as none", async () => {
    for (const header of [
      "",
      "Bearer",
      "Bearer ",
      "Basic YWRtaW46YWRtaW4=",
      "admin",
      "Bearer a b",
    ]) {
      await expectDomainError(auth().authenticate(header), "UNAUTHENTICATED");
    }
    await refused("Bearer not-a-jwt", /malformed/);
    await refused("Bearer a.b.c", /malformed/);
  });

  it("requires a subject", async () => {
    const token = await new SignJWT({ roles: ["admin"] })
      .setProtectedHeader({ alg: "ES256", kid: dev.privateKey.kid ?? "" })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setExpirationTime(now() + 600)
      .sign(await importJWK(dev.privateKey, "ES256"));
    await expectDomainError(auth().authenticate(`Bearer ${token}`), "UNAUTHENTICATED");
  });

  it("reads roles where the identity provider puts them, and only accepts asymmetric algorithms", async () => {
    expect(rolesOf({ realm_access: { roles: ["finance", "x"] } }, "realm_access.roles")).toEqual([
      "finance",
    ]);
    expect(rolesOf({ scope: "support admin other" }, "scope")).toEqual(["support", "admin"]);
    expect(rolesOf({}, "roles")).toEqual([]);
    const oidc = createTokenAuthenticator({
      keys: createLocalJWKSet({ keys: [dev.publicKey] }),
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: ["ES256"],
      rolesClaim: "realm_access.roles",
    });
    const principal = await oidc.authenticate(
      `Bearer ${await devToken({ realm_access: { roles: ["inventory_manager"] } })}`,
    );
    expect(principal.roles).toEqual(["inventory_manager"]);
    expect(() =>
      createTokenAuthenticator({
        keys: createLocalJWKSet({ keys: [] }),
        issuer: "i",
        audience: "a",
        algorithms: ["HS256"],
        rolesClaim: "roles",
      }),
    ).toThrow(/HS256/);
  });
});

describe("the customer id cache", () => {
  it("keeps found ids, forgets misses soon, never keeps failures, and asks once for concurrent requests", async () => {
    let t = 0;
    const asked: string[] = [];
    let registered = false;
    let failing = false;
    const cached = cachedCustomerLookup(
      async (externalId) => {
        asked.push(externalId);
        if (failing) throw new Error("identity is down");
        return externalId === "known" || registered ? `id-${externalId}` : null;
      },
      { positiveMs: 60_000, negativeMs: 1_000, now: () => t },
    );
    expect(await Promise.all([cached("known"), cached("known")])).toEqual(["id-known", "id-known"]);
    t += 59_000;
    expect(await cached("known")).toBe("id-known");
    expect(asked).toEqual(["known"]);

    expect(await cached("new")).toBe(null);
    registered = true;
    expect(await cached("new")).toBe(null);
    t += 1_001;
    expect(await cached("new")).toBe("id-new");

    failing = true;
    expect(await cached("other")).toBe(null);
    failing = false;
    expect(await cached("other")).toBe("id-other");
    expect(asked).toEqual(["known", "new", "new", "other", "other"]);
  });
});

describe("a customer registering through the gateway", () => {
  // A tiny stand-in of the gateway's API: the plugin reads only the operation and its answer.
  const schema = `
    input RegisterCustomerInput { externalId: String!, email: String! }
    type Customer { id: ID! }
    type Query { ok: Boolean }
    type Mutation { registerCustomer(input: RegisterCustomerInput!): Customer }
  `;

  async function gatewayWith(registered: Set<string>) {
    const t = 0; // the clock never moves: only forgetting can end a cached miss
    const asked: string[] = [];
    const customerIds = cachedCustomerLookup(
      async (externalId) => {
        asked.push(externalId);
        return registered.has(externalId) ? `id-${externalId}` : null;
      },
      { negativeMs: 1_000, now: () => t },
    );
    const server = new ApolloServer<{ principal: Principal }>({
      typeDefs: schema,
      resolvers: {
        Mutation: {
          registerCustomer: (
            _: unknown,
            { input }: { input: { externalId: string; email: string } },
          ) => {
            if (input.email === "taken@example.com") throw new Error("DUPLICATE");
            registered.add(input.externalId);
            return { id: `id-${input.externalId}` };
          },
        },
      },
      plugins: [registrationForgetsMissPlugin(customerIds)],
    });
    await server.start();
    /** One request as the gateway runs it: the principal is found first, then the operation. */
    const request = async (
      sub: string,
      role: "customer" | "support",
      query: string,
      variables: Record<string, unknown> = {},
    ) => {
      const customerId = role === "customer" ? await customerIds(sub) : null;
      const principal = principalOf(sub, [role], customerId);
      const res = await server.executeOperation(
        { query, variables },
        { contextValue: { principal } },
      );
      return { principal, res };
    };
    return { request, asked, stop: () => server.stop() };
  }

  const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`;

  it("forgets the miss its own registration cached: the customer is theirs on the next request", async () => {
    const g = await gatewayWith(new Set());
    try {
      const first = await g.request("ext-ada", "customer", REGISTER, {
        input: { externalId: "ext-ada", email: "ada@example.com" },
      });
      expect(first.principal.customerId).toBeNull();
      const next = await g.request("ext-ada", "customer", "{ ok }");
      expect(next.principal.customerId).toBe("id-ext-ada");
      expect(g.asked).toEqual(["ext-ada", "ext-ada"]);
      // Found ids stay cached as before.
      await g.request("ext-ada", "customer", "{ ok }");
      expect(g.asked).toEqual(["ext-ada", "ext-ada"]);
    } finally {
      await g.stop();
    }
  });

  it("finds the subject in an aliased field with the input inline too", async () => {
    const g = await gatewayWith(new Set());
    try {
      await g.request(
        "ext-bo",
        "customer",
        `mutation { me: registerCustomer(input: { externalId: "ext-bo", email: "bo@example.com" }) { id } }`,
      );
      expect((await g.request("ext-bo", "customer", "{ ok }")).principal.customerId).toBe(
        "id-ext-bo",
      );
    } finally {
      await g.stop();
    }
  });

  it("keeps the miss when the registration failed or was for another subject", async () => {
    const registered = new Set<string>();
    const g = await gatewayWith(registered);
    try {
      const failed = await g.request("ext-cy", "customer", REGISTER, {
        input: { externalId: "ext-cy", email: "taken@example.com" },
      });
      expect(failed.res.body.kind === "single" && failed.res.body.singleResult.errors).toBeTruthy();
      // Registered elsewhere meanwhile: still the cached miss, as without the plugin.
      registered.add("ext-cy");
      expect((await g.request("ext-cy", "customer", "{ ok }")).principal.customerId).toBeNull();

      // A customer registering another subject forgets nothing of either.
      await g.request("ext-dee", "customer", "{ ok }");
      await g.request("ext-dee", "customer", REGISTER, {
        input: { externalId: "ext-eve", email: "eve@example.com" },
      });
      expect((await g.request("ext-dee", "customer", "{ ok }")).principal.customerId).toBeNull();
      expect(g.asked).toEqual(["ext-cy", "ext-dee"]);
    } finally {
      await g.stop();
    }
  });

  it("drops a look-up on its way when forgotten, so its stale miss is not cached", async () => {
    let release: (id: string | null) => void = () => {};
    const asked: string[] = [];
    const customerIds = cachedCustomerLookup(
      (externalId) => {
        asked.push(externalId);
        return asked.length === 1
          ? new Promise<string | null>((resolve) => {
              release = resolve;
            })
          : Promise.resolve("id-new");
      },
      { negativeMs: 60_000, now: () => 0 },
    );
    const stale = customerIds("ext-new");
    customerIds.forget("ext-new");
    release(null);
    expect(await stale).toBeNull();
    expect(await customerIds("ext-new")).toBe("id-new");
    expect(asked).toEqual(["ext-new", "ext-new"]);
  });
});

describe("the gateway's authentication config", () => {
  const internal = async () =>
    JSON.stringify(
      await exportJWK((await generateKeyPair("ES256", { extractable: true })).privateKey),
    );

  it("defaults to dev sign-in with the key in the data folder", async () => {
    const config = loadGatewayConfig({ INTERNAL_AUTH_PRIVATE_KEY: await internal() });
    expect(config.auth).toEqual({
      mode: "dev",
      devKeyFile: expect.stringMatching(/\/\.data\/auth\/dev-signing-key\.json$/),
    });
    expect(config.internalPrivateKey.d).toEqual(expect.any(String));
  });

  it("refuses dev sign-in under NODE_ENV=production, in one line naming the fix", async () => {
    const key = await internal();
    const error = (() => {
      try {
        loadGatewayConfig({ INTERNAL_AUTH_PRIVATE_KEY: key, NODE_ENV: "production" });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toEqual([
      expect.stringMatching(
        /^AUTH_MODE: dev sign-in is refused under NODE_ENV=production; set AUTH_MODE=oidc/,
      ),
    ]);
  });

  it("reads oidc settings, and refuses missing or symmetric ones and a missing internal key", async () => {
    const oidc = {
      INTERNAL_AUTH_PRIVATE_KEY: await internal(),
      NODE_ENV: "production",
      AUTH_MODE: "oidc",
      AUTH_JWKS_URL: "https://idp.example/.well-known/jwks.json",
      AUTH_ISSUER: "https://idp.example/",
      AUTH_AUDIENCE: "shopstream-api",
      AUTH_ROLES_CLAIM: "realm_access.roles",
    };
    expect(loadGatewayConfig(oidc).auth).toEqual({
      mode: "oidc",
      jwksUrl: oidc.AUTH_JWKS_URL,
      issuer: oidc.AUTH_ISSUER,
      audience: oidc.AUTH_AUDIENCE,
      algorithms: ["RS256", "ES256"],
      rolesClaim: "realm_access.roles",
    });
    expect(() => loadGatewayConfig({ ...oidc, AUTH_ISSUER: "" })).toThrow(
      /AUTH_ISSUER: is required/,
    );
    expect(() => loadGatewayConfig({ ...oidc, AUTH_ALGORITHMS: "RS256,HS256" })).toThrow(
      /AUTH_ALGORITHMS/,
    );
    expect(() => loadGatewayConfig({ ...oidc, INTERNAL_AUTH_PRIVATE_KEY: "" })).toThrow(
      /INTERNAL_AUTH_PRIVATE_KEY/,
    );
    expect(() =>
      loadGatewayConfig({ ...oidc, INTERNAL_AUTH_PRIVATE_KEY: JSON.stringify(dev.publicKey) }),
    ).toThrow(/INTERNAL_AUTH_PRIVATE_KEY: must be a private key/);
  });
});
