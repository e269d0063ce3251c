import type { IncomingMessage } from "node:http";
import { createRedis } from "@shopstream/redis";
import type { RequestContext } from "@shopstream/service";
import { TEST_REDIS_URL, unique } from "@shopstream/testing";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createRateLimiter, rateLimitKey } from "../src/rate-limit.ts";
import { logger, overWebSocket, post, rateLimitEnv, startTestGateway } from "./limits-harness.ts";

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;
const started: Gateway[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((g) => g.stop()));
});

/** `count` gateway processes' worth of gateways on one Redis key prefix (one shared budget). */
async function gateways(count: number, env: Record<string, string>): Promise<Gateway[]> {
  const prefix = unique("rl");
  const list = await Promise.all(
    Array.from({ length: count }, () => startTestGateway(env, prefix)),
  );
  started.push(...list);
  return list;
}

/** How the gateway closes a WebSocket connection that sends connection_init (and nothing else). */
async function connectionClose(url: string): Promise<{ code: number; reason: string }> {
  const socket = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws");
  try {
    // Acknowledged instead: what the test did not expect, answered at once rather than waited on.
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      socket.once("close", (code, reason) => resolve({ code, reason: String(reason) }));
      socket.on("message", (data) => resolve({ code: 0, reason: `sent ${String(data)}` }));
    });
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    return await closed;
  } finally {
    socket.terminate();
  }
}

describe("rate limits shared by every gateway process", () => {
  it("lets exactly the budget through across two gateways and answers the rest 429 with Retry-After", async () => {
    const BUDGET = 5;
    const [a, b] = await gateways(2, rateLimitEnv({ anonymousPerMinute: BUDGET }));
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post((i % 2 === 0 ? a : b)!.url, "{ __typename }")),
    );
    const allowed = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(allowed).toHaveLength(BUDGET);
    expect(refused).toHaveLength(12 - BUDGET);
    for (const r of refused) {
      const retryAfter = Number(r.headers.get("retry-after"));
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
      expect(r.headers.get("content-type")).toMatch(/^application\/json/);
      expect(r.body).toEqual({
        errors: [
          {
            message: `Too many requests; retry in ${retryAfter} s`,
            extensions: { code: "RATE_LIMITED", retryAfter },
          },
        ],
      });
    }
  });

  it("charges WebSocket connections and operations to the same budget as HTTP requests", async () => {
    const [a, b] = await gateways(2, rateLimitEnv({ anonymousPerMinute: 4 }));
    expect((await post(a!.url, "{ __typename }")).status).toBe(200); // 1
    // A connection (2) and its operation (3).
    expect((await overWebSocket(b!.url, "{ __typename }")).outcome).toEqual({
      data: { __typename: "Query" },
    });
    // A connection (4), then an operation over budget.
    const { outcome } = await overWebSocket(a!.url, "{ __typename }");
    expect(outcome.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Too many requests; retry in \d+ s$/),
        extensions: expect.objectContaining({ code: "RATE_LIMITED" }),
      }),
    ]);
    expect((await post(b!.url, "{ __typename }")).status).toBe(429);
    // Over budget, a new connection is closed at connection_init with 4429 and the wait.
    expect(await connectionClose(b!.url)).toEqual({
      code: 4429,
      reason: expect.stringMatching(/^Too many requests; retry in \d+ s$/),
    });
  });

  it("refuses nothing when switched off (RATE_LIMIT_ENABLED=false)", async () => {
    const [a] = await gateways(
      1,
      rateLimitEnv({ enabled: false, anonymousPerMinute: 1, perMinute: 1 }),
    );
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () => post(a!.url, "{ __typename }").then((r) => r.status)),
    );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});

describe("budgets per signed-in principal", () => {
  it("charges a principal's requests to its sub from any address, apart from the addresses' own budgets", async () => {
    const redis = createRedis(TEST_REDIS_URL);
    try {
      const limiter = createRateLimiter({
        redis,
        prefix: unique("rl"),
        config: { enabled: true, perMinute: 2, anonymousPerMinute: 1 },
        logger,
      });
      // The HTTP context as the gateway's authenticator leaves it (contract: `principal`).
      const as = (principal: unknown): RequestContext =>
        ({ correlationId: "c", actor: "a", principal }) as RequestContext;
      const from = (ip: string) => ({ socket: { remoteAddress: ip } }) as IncomingMessage;
      const customer = { kind: "customer", sub: "auth0|7", customerId: null, roles: [] };
      await limiter.http(as(customer), from("10.0.0.1"));
      await limiter.http(as(customer), from("10.0.0.2"));
      await expect(limiter.http(as(customer), from("10.0.0.3"))).rejects.toMatchObject({
        message: expect.stringMatching(/^Too many requests; retry in \d+ s$/),
        extensions: { code: "RATE_LIMITED", http: { status: 429 } },
      });
      // The addresses' anonymous budgets were not touched by the signed-in requests.
      await limiter.http(as(undefined), from("10.0.0.1"));
      await expect(limiter.http(as(undefined), from("10.0.0.1"))).rejects.toMatchObject({
        extensions: { code: "RATE_LIMITED" },
      });
      // Another principal has a budget of its own.
      await limiter.http(as({ ...customer, sub: "auth0|8" }), from("10.0.0.1"));
    } finally {
      redis.disconnect();
    }
  });
});

describe("rateLimitKey", () => {
  it("keys a signed-in principal by its sub, wherever it comes from, and anyone else by IP", () => {
    const customer = { kind: "customer", sub: "auth0|42", customerId: null, roles: [] };
    expect(rateLimitKey(customer, "10.0.0.1")).toBe("principal:customer:auth0|42");
    expect(rateLimitKey(customer, "10.0.0.2")).toBe("principal:customer:auth0|42");
    expect(rateLimitKey({ kind: "anonymous", sub: "anonymous", roles: [] }, "10.0.0.1")).toBe(
      "ip:10.0.0.1",
    );
    // Today's WebSocket principal (`{ actor }`) and a context without one are anonymous too.
    expect(rateLimitKey({ actor: "admin" }, "10.0.0.1")).toBe("ip:10.0.0.1");
    expect(rateLimitKey(undefined, "::1")).toBe("ip:::1");
  });
});
