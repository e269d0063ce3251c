import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { overWebSocket, post, startTestGateway } from "./limits-harness.ts";

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;

const TYPO = `{ orderz(id: "1") { id } }`;

describe("the production profile (NODE_ENV=production)", () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ NODE_ENV: "production" });
  });
  afterAll(() => gateway?.stop());

  it.each([
    ["__schema", `{ __schema { queryType { name } } }`],
    ["__type", `{ __type(name: "Order") { name } }`],
  ])("refuses introspection through %s over HTTP and WebSocket", async (field, query) => {
    const http = await post(gateway.url, query);
    expect(http.status).toBe(400);
    const { outcome } = await overWebSocket(gateway.url, query);
    for (const errors of [http.body.errors, outcome.errors]) {
      expect(errors?.[0]).toEqual(
        expect.objectContaining({
          message: expect.stringContaining(`introspection has been disabled`),
          extensions: expect.objectContaining({ code: "GRAPHQL_VALIDATION_FAILED" }),
        }),
      );
      expect(errors?.[0]?.message).toContain(`"${field}"`);
    }
  });

  it("answers GraphiQL's paths with a 404 JSON error", async () => {
    for (const path of ["/", "/graphiql", "/graphiql/graphiql.js"]) {
      const res = await fetch(gateway.base + path, { headers: { accept: "text/html" } });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }],
      });
    }
  });

  it("names no field in validation errors (no 'Did you mean'), over HTTP and WebSocket", async () => {
    const http = await post(gateway.url, TYPO);
    const { outcome } = await overWebSocket(gateway.url, TYPO);
    for (const errors of [http.body.errors, outcome.errors]) {
      expect(errors?.map((e) => e.message)).toEqual([
        'Cannot query field "orderz" on type "Query".',
      ]);
    }
  });
});

describe("the development profile", () => {
  let gateway: Gateway;
  beforeAll(async () => {
    gateway = await startTestGateway({
      WS_ALLOWED_ORIGINS: "https://shop.example, http://localhost:3000/",
    });
  });
  afterAll(() => gateway?.stop());

  it("keeps introspection, GraphiQL and suggestions", async () => {
    expect((await post(gateway.url, `{ __schema { queryType { name } } }`)).body).toEqual({
      data: { __schema: { queryType: { name: "Query" } } },
    });
    const page = await fetch(`${gateway.base}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const unknown = await fetch(`${gateway.base}/graphiql/nope.js`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      errors: [{ message: "Not found", extensions: { code: "NOT_FOUND" } }],
    });
    expect((await post(gateway.url, TYPO)).body.errors?.[0]?.message).toMatch(/Did you mean/);
  });

  describe("CSRF prevention", () => {
    it("refuses a cross-site simple POST (text/plain) before running it", async () => {
      const res = await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/CSRF/);
    });

    it("refuses a GET query without a preflight header, and runs it with one", async () => {
      const url = `${gateway.url}?query=${encodeURIComponent("{ __typename }")}`;
      const bare = await fetch(url);
      expect(bare.status).toBe(400);
      expect(await bare.text()).toMatch(/CSRF/);
      const preflighted = await fetch(url, { headers: { "apollo-require-preflight": "true" } });
      expect(preflighted.status).toBe(200);
      expect(await preflighted.json()).toEqual({ data: { __typename: "Query" } });
    });
  });

  describe("WebSocket Origin allow-list (WS_ALLOWED_ORIGINS)", () => {
    /** The upgrade's outcome for a socket opened with `origin` (none: not a browser). */
    const upgrade = (origin?: string) =>
      new Promise<number | "open">((resolve) => {
        const socket = new WebSocket(
          gateway.url.replace(/^http/, "ws"),
          "graphql-transport-ws",
          origin ? { origin } : {},
        );
        socket.once("open", () => {
          socket.close();
          resolve("open");
        });
        socket.once("unexpected-response", (_req, res) => {
          resolve(res.statusCode ?? 0);
          socket.terminate();
        });
        socket.once("error", () => undefined);
      });

    it("refuses an upgrade from a foreign origin with 403", async () => {
      expect(await upgrade("https://evil.example")).toBe(403);
      expect(await upgrade("https://shop.example.evil.example")).toBe(403);
    });

    it("lets listed origins (any case, trailing slash or not) and non-browser clients in", async () => {
      expect(await upgrade("https://shop.example")).toBe("open");
      expect(await upgrade("https://SHOP.example/")).toBe("open");
      expect(await upgrade("http://localhost:3000")).toBe("open");
      expect(await upgrade()).toBe("open");
    });
  });
});
