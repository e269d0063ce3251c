import { unique } from "@shopstream/testing";
import { afterEach, describe, expect, it } from "vitest";
import { rateLimitKey } from "../src/rate-limit.ts";
import { overWebSocket, post, rateLimitEnv, startTestGateway } from "./limits-harness.ts";

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

  it("charges WebSocket operations to the same budget as HTTP requests", async () => {
    const [a, b] = await gateways(2, rateLimitEnv({ anonymousPerMinute: 2 }));
    expect((await post(a!.url, "{ __typename }")).status).toBe(200);
    expect((await overWebSocket(b!.url, "{ __typename }")).outcome).toEqual({
      data: { __typename: "Query" },
    });
    const { outcome } = await overWebSocket(a!.url, "{ __typename }");
    expect(outcome.errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Too many requests; retry in \d+ s$/),
        extensions: expect.objectContaining({ code: "RATE_LIMITED" }),
      }),
    ]);
    expect((await post(b!.url, "{ __typename }")).status).toBe(429);
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
