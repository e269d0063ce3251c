import { fileURLToPath } from "node:url";
import {
  ANONYMOUS,
  createInternalSigner,
  generateInternalKeyPair,
  type InternalKeyPair,
  principalOf,
} from "@shopstream/auth";
import { DomainError } from "@shopstream/errors";
import { internalAuthHeaders, testInternalKeys } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSubgraphServer,
  internalAuthenticator,
  type Logger,
  type RequestContext,
  type RunningHttpService,
  startHttpService,
} from "../src/index.ts";

// Real HTTP on 127.0.0.1: a subgraph-shaped server behind the gateway's internal-token check
// (as `runSubgraph` starts every subgraph), and one without `authenticate` (as the gateway's
// HTTP layer is started before its own authenticator is given).

/** What the services logged as errors (unexpected failures, with their correlation ids). */
const logged: { message: string; correlationId?: unknown; error?: unknown }[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error: (message, details) => void logged.push({ message, ...details }),
};
const schemaPath = fileURLToPath(new URL("./probe.graphql", import.meta.url));
const caller = (ctx: RequestContext) => ({
  kind: ctx.principal.kind,
  sub: ctx.principal.sub,
  roles: ctx.principal.roles,
  actor: ctx.actor,
  correlationId: ctx.correlationId,
});
const resolvers = {
  Query: {
    products: (_: unknown, __: unknown, ctx: RequestContext) => caller(ctx),
    categories: () => {
      throw new Error("secret detail at /work/somewhere/node_modules/x.js");
    },
  },
  Mutation: { createCart: (_: unknown, __: unknown, ctx: RequestContext) => caller(ctx) },
  Product: {
    __resolveReference: (ref: { id: string }, ctx: RequestContext) => ({
      id: ref.id,
      seenBy: ctx.actor,
    }),
  },
};

const AUDIENCE = "identity";
let guarded: RunningHttpService;
let open: RunningHttpService;
let other: InternalKeyPair;
let trusted: InternalKeyPair;

beforeAll(async () => {
  trusted = await testInternalKeys();
  other = await generateInternalKeyPair();
  guarded = await startHttpService({
    name: AUDIENCE,
    port: 0,
    host: "127.0.0.1",
    logger,
    apollo: createSubgraphServer<RequestContext>({ schemaPath, resolvers, logger }),
    authenticate: internalAuthenticator([trusted.publicKey], AUDIENCE),
    readiness: {},
    bodyLimit: "10kb",
    routes: (app) => app.post("/webhooks/open", (_req, res) => void res.json({ ok: true })),
  });
  open = await startHttpService({
    name: "open",
    port: 0,
    host: "127.0.0.1",
    logger,
    apollo: createSubgraphServer<RequestContext>({ schemaPath, resolvers, logger }),
    readiness: {},
  });
});
afterAll(async () => {
  await guarded?.stop();
  await open?.stop();
});

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; correlationId?: string } }[];
}

async function post(
  url: string,
  body: string | Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text, res };
}

const json = (text: string) => JSON.parse(text) as GraphQLBody;

/** No stack trace lines, no server paths: what a client may see of a failure. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\n\s*at |\bat .+:\d+:\d+/);
  expect(text).not.toContain("/work/");
  expect(text).not.toContain("node_modules");
  expect(text).not.toMatch(/<html|<pre/i);
}

const OPERATIONS = {
  query: { query: "{ whoami: products { actor } }" },
  mutation: { query: 'mutation { touch: createCart(note: "x") { actor } }' },
  _entities: {
    query:
      "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id seenBy } } }",
    variables: { r: [{ __typename: "Product", id: "t1" }] },
  },
  _service: { query: "{ _service { sdl } }" },
};

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const REFUSED_CREDENTIALS: [string, () => Promise<Record<string, string>>][] = [
  ["no token", async () => ({})],
  ["an empty bearer", async () => ({ authorization: "Bearer " })],
  ["another scheme", async () => ({ authorization: `Basic ${btoa("gateway:secret")}` })],
  ["garbage", async () => bearer("not.a.jwt")],
  [
    "an expired token",
    async () =>
      bearer(
        await createInternalSigner(trusted.privateKey, {
          now: () => Math.floor(Date.now() / 1000) - 3_600,
        }).sign(ANONYMOUS, AUDIENCE),
      ),
  ],
  ["a token for another subgraph", () => internalAuthHeaders("catalogue")],
  [
    "a token signed by another key",
    async () => bearer(await createInternalSigner(other.privateKey).sign(ANONYMOUS, AUDIENCE)),
  ],
  [
    "a token signed by another key under the trusted key id",
    async () =>
      bearer(
        await createInternalSigner({ ...other.privateKey, kid: trusted.privateKey.kid }).sign(
          principalOf("mallory", ["admin"]),
          AUDIENCE,
        ),
      ),
  ],
  ["a forged x-actor header alone", async () => ({ "x-actor": "admin" })],
];

describe("a subgraph started with the internal-token verifier", () => {
  for (const [credential, headers] of REFUSED_CREDENTIALS) {
    for (const [kind, operation] of Object.entries(OPERATIONS)) {
      it(`answers 401 with a JSON GraphQL error to ${credential} (${kind})`, async () => {
        const r = await post(guarded.url, operation, await headers());
        expect(r.status).toBe(401);
        expect(r.type).toMatch(/^application\/json/);
        expect(r.res.headers.get("www-authenticate")).toBe("Bearer");
        const body = json(r.text);
        expect(body.data).toBeUndefined();
        expect(body.errors).toEqual([
          { message: expect.any(String), extensions: { code: "UNAUTHENTICATED" } },
        ]);
        expectNoInternals(r.text);
      });
    }
  }

  it("refuses a GET /graphql without a token too", async () => {
    const res = await fetch(`${guarded.url}?query=${encodeURIComponent("{ _service { sdl } }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(res.status).toBe(401);
    expect(json(await res.text()).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("answers every kind of operation with a valid token", async () => {
    const headers = await internalAuthHeaders(AUDIENCE);
    for (const [kind, operation] of Object.entries(OPERATIONS)) {
      const r = await post(guarded.url, operation, headers);
      expect(r.status, kind).toBe(200);
      expect(json(r.text).errors, kind).toBeUndefined();
    }
    const entities = json((await post(guarded.url, OPERATIONS._entities, headers)).text);
    // internalAuthHeaders' principal by default: the test admin.
    expect(entities.data).toEqual({ _entities: [{ id: "t1", seenBy: "staff:test-admin" }] });
  });

  it("serves GET /graphql with a valid token", async () => {
    const res = await fetch(
      `${guarded.url}?query=${encodeURIComponent("{ whoami: products { actor } }")}`,
      {
        headers: { "apollo-require-preflight": "true", ...(await internalAuthHeaders(AUDIENCE)) },
      },
    );
    expect(res.status).toBe(200);
    expect(json(await res.text()).data).toEqual({ whoami: { actor: "staff:test-admin" } });
  });

  it("hands the token's principal to resolvers, named staff:<sub> as actor; x-actor is ignored", async () => {
    const staff = principalOf("ops-7", ["support"]);
    const r = await post(guarded.url, OPERATIONS.mutation, {
      ...(await internalAuthHeaders(AUDIENCE, staff)),
      "x-actor": "admin",
      "x-correlation-id": "corr-42",
    });
    expect(r.status).toBe(200);
    const q = await post(
      guarded.url,
      { query: "{ whoami: products { kind sub roles actor correlationId } }" },
      { ...(await internalAuthHeaders(AUDIENCE, staff)), "x-actor": "admin" },
    );
    expect(json(r.text).data).toEqual({ touch: { actor: "staff:ops-7" } });
    expect(json(q.text).data).toEqual({
      whoami: {
        kind: "staff",
        sub: "ops-7",
        roles: ["support"],
        actor: "staff:ops-7",
        correlationId: expect.any(String),
      },
    });
    const traced = await post(
      guarded.url,
      { query: "{ whoami: products { correlationId } }" },
      { ...(await internalAuthHeaders(AUDIENCE)), "x-correlation-id": "corr-42" },
    );
    expect(json(traced.text).data).toEqual({ whoami: { correlationId: "corr-42" } });
  });

  it("names a customer principal customer:<sub>", async () => {
    const customer = principalOf("ada", ["customer"], "c-1");
    const r = await post(
      guarded.url,
      { query: "{ whoami: products { kind actor } }" },
      await internalAuthHeaders(AUDIENCE, customer),
    );
    expect(json(r.text).data).toEqual({ whoami: { kind: "customer", actor: "customer:ada" } });
  });

  it("keeps /health, /ready and mounted routes (webhooks) open", async () => {
    const base = guarded.url.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const hook = await post(`${base}/webhooks/open`, {});
    expect(hook.status).toBe(200);
    expect(json(hook.text)).toEqual({ ok: true });
  });
});

describe.each([
  ["with a valid token", () => guarded, () => internalAuthHeaders(AUDIENCE)],
  ["without authenticate", () => open, async () => ({})],
])("malformed and oversized bodies (%s)", (_mode, service, headers) => {
  it("answers a body that is not valid JSON with 400 and a JSON GraphQL error, no stack or path", async () => {
    for (const bad of [
      '{"query": "{ whoami: products { actor } }"',
      "{query:",
      "\u0000\u0001",
      "[1,",
    ]) {
      const r = await post(service().url, bad, await headers());
      expect(r.status, bad).toBe(400);
      expect(r.type).toMatch(/^application\/json/);
      expect(json(r.text)).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: "BAD_REQUEST" } }],
      });
      expectNoInternals(r.text);
    }
  });

  it("answers a body over the limit with 413 and a JSON GraphQL error", async () => {
    const huge = JSON.stringify({
      query: `{ whoami: products { actor } } # ${"x".repeat(2_000_000)}`,
    });
    const r = await post(service().url, huge, await headers());
    expect(r.status).toBe(413);
    expect(r.type).toMatch(/^application\/json/);
    expect(json(r.text)).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: "PAYLOAD_TOO_LARGE" } }],
    });
    expectNoInternals(r.text);
  });

  it("answers an unknown route with a JSON 404", async () => {
    const base = service().url.replace(/\/graphql$/, "");
    for (const [method, path] of [
      ["GET", "/nope"],
      ["POST", "/graphqlx"],
      ["DELETE", "/health"],
    ] as const) {
      const res = await fetch(`${base}${path}`, { method });
      const text = await res.text();
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(json(text).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
      expectNoInternals(text);
    }
  });

  it("answers a resolver's unexpected error without internals", async () => {
    const r = await post(service().url, { query: "{ boom: categories }" }, await headers());
    expect(r.status).toBe(200);
    const error = json(r.text).errors?.[0] as { extensions: Record<string, unknown> };
    expect(error.extensions).toEqual({
      code: "INTERNAL_SERVER_ERROR",
      correlationId: expect.any(String),
    });
    expectNoInternals(r.text);
    expect(logged.find((l) => l.correlationId === error.extensions.correlationId)?.error).toMatch(
      /secret detail/,
    );
  });
});

describe("an authenticate hook that refuses for another reason", () => {
  it("answers a busy dependency with 503 and Retry-After, as a JSON GraphQL error", async () => {
    const busy = await startHttpService({
      name: "busy",
      port: 0,
      host: "127.0.0.1",
      logger,
      apollo: createSubgraphServer<RequestContext>({ schemaPath, resolvers, logger }),
      authenticate: async () => {
        throw new DomainError("SERVICE_UNAVAILABLE", "identity is busy", { retryAfterSeconds: 2 });
      },
      readiness: {},
    });
    try {
      const r = await post(busy.url, OPERATIONS.query);
      expect(r.status).toBe(503);
      expect(r.res.headers.get("retry-after")).toBe("2");
      expect(json(r.text)).toEqual({
        errors: [
          {
            message: "identity is busy",
            extensions: { code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 2 },
          },
        ],
      });
    } finally {
      await busy.stop();
    }
  });
});

describe("an authenticate hook that fails unexpectedly", () => {
  it("answers 500 with a correlation id, as any unexpected error, and no internals", async () => {
    const failing = await startHttpService({
      name: "failing",
      port: 0,
      host: "127.0.0.1",
      logger,
      apollo: createSubgraphServer<RequestContext>({ schemaPath, resolvers, logger }),
      authenticate: async () => {
        throw new Error("database at /work/secret/path.ts exploded");
      },
      readiness: {},
    });
    try {
      const r = await post(failing.url, OPERATIONS.query);
      expect(r.status).toBe(500);
      expect(r.type).toMatch(/^application\/json/);
      expect(json(r.text)).toEqual({
        errors: [
          {
            message: expect.stringMatching(/correlation id/),
            extensions: { code: "INTERNAL_SERVER_ERROR", correlationId: expect.any(String) },
          },
        ],
      });
      expectNoInternals(r.text);
      const id = json(r.text).errors?.[0]?.extensions?.correlationId;
      expect(logged.find((l) => l.correlationId === id)?.error).toMatch(/exploded/);
    } finally {
      await failing.stop();
    }
  });
});
