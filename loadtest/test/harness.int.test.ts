import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateDevKey } from "@shopstream/auth";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { ANONYMOUS_USER, customer, devTokens, GqlClient, staff } from "../src/harness/client.ts";
import {
  EACH_CALL,
  need,
  newTracker,
  op,
  type RunEnv,
  runJourney,
  step,
  theCustomer,
} from "../src/harness/journey.ts";
import { ProviderHooks } from "../src/harness/provider.ts";
import { Stats } from "../src/harness/stats.ts";
import { startStub } from "./stub-server.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function envFor(
  handler: Parameters<typeof startStub>[0],
  tokenFor: RunEnv["tokenFor"] = () => undefined,
) {
  const stub = await startStub(handler);
  const client = new GqlClient(stub.url);
  const provider = new ProviderHooks(stub.origin);
  cleanup.push(
    () => client.close(),
    () => provider.close(),
    stub.close,
  );
  const env: RunEnv = {
    client,
    provider,
    tokenFor,
    stats: new Stats(),
    tracker: newTracker(),
    signal: new AbortController().signal,
    shared: new Map(),
    users: 1,
    settleTimeoutMs: 2000,
  };
  return { stub, env };
}

describe("journeys against a stub GraphQL server", () => {
  it("capture ids into the state, and a failed step aborts the journey at that step with its code", async () => {
    const { stub, env } = await envFor((r) =>
      r.operationName === "CreateThing"
        ? { data: { createThing: { id: "t-1" } } }
        : { errors: [{ message: "it moved", extensions: { code: "CONFLICT" } }] },
    );
    const journey = {
      name: "test.abort",
      context: "test",
      steps: [
        op<{ createThing: { id: string } }>(
          "CreateThing",
          ANONYMOUS_USER,
          "mutation CreateThing { createThing { id } }",
          undefined,
          (d, c) => {
            c.state.thingId = d.createThing.id;
          },
        ),
        op(
          "ChangeThing",
          ANONYMOUS_USER,
          "mutation ChangeThing($id: ID!) { changeThing(id: $id) { id } }",
          (c) => ({ id: need(c, "thingId") }),
        ),
        op("NeverSent", ANONYMOUS_USER, "mutation NeverSent { neverSent }"),
      ],
    };
    expect(await runJourney(journey, { id: 0, tokens: new Map() }, env)).toBe(false);
    expect(stub.requests.map((r) => r.operationName)).toEqual(["CreateThing", "ChangeThing"]);
    expect(stub.requests[1]?.variables).toEqual({ id: "t-1" });
    const snap = env.stats.snapshot();
    expect(snap.journeys[0]).toMatchObject({ started: 1, completed: 0, aborted: 1 });
    expect(snap.journeys[0]?.aborts).toEqual([
      { step: "ChangeThing", code: "CONFLICT", expected: false, count: 1, message: "it moved" },
    ]);
    expect(snap.operations.find((o) => o.name === "ChangeThing")).toMatchObject({
      count: 1,
      failures: 1,
    });
    expect(snap.errors).toEqual([
      { code: "CONFLICT", expected: false, count: 1, operations: ["ChangeThing"] },
    ]);
  });

  it("counts a journey's expected codes apart, sends the principal's token, and reads HTTP failures as codes", async () => {
    const { stub, env } = await envFor(
      (r) =>
        r.operationName === "Reserve"
          ? { errors: [{ message: "none left", extensions: { code: "INSUFFICIENT_STOCK" } }] }
          : { status: 502, text: "bad gateway" },
      (p) => (p.kind === "staff" ? `token-${p.role}` : undefined),
    );
    const journey = {
      name: "test.expected",
      context: "inventory",
      expected: ["INSUFFICIENT_STOCK"],
      steps: [op("Reserve", staff("admin"), "mutation Reserve { r }")],
    };
    await runJourney(journey, { id: 0, tokens: new Map() }, env);
    expect(stub.requests[0]?.headers.authorization).toBe("Bearer token-admin");
    const snap = env.stats.snapshot();
    expect(snap.journeys[0]?.aborts[0]).toMatchObject({
      code: "INSUFFICIENT_STOCK",
      expected: true,
    });
    expect(snap.totals).toMatchObject({ failures: 0, expectedFailures: 1 });

    const r = await env.client.request("Other", "query Other { x }");
    expect(r.code).toBe("HTTP_502");
  });

  it("signs each request in as its step's principal, or the one the request names", async () => {
    const { stub, env } = await envFor(
      (r) =>
        r.operationName === "Register"
          ? { data: { registerCustomer: { id: "c-1" } } }
          : { data: { ok: true } },
      (p) =>
        p.kind === "anonymous" ? undefined : `token-${p.kind === "staff" ? p.role : p.externalId}`,
    );
    const journey = {
      name: "test.principals",
      context: "identity",
      steps: [
        op("Register", theCustomer, "mutation Register { registerCustomer { id } }", (c) => {
          c.state.externalId = "ext-ada";
          return {};
        }),
        op("Suspend", staff("support"), "mutation Suspend { ok }"),
        step("Both", EACH_CALL, async (c) => {
          await c.gql("Mine", "query Mine { ok }", {}, { as: customer("ext-ada") });
          await c.gql("Public", "query Public { ok }", {}, { as: ANONYMOUS_USER });
        }),
      ],
    };
    expect(await runJourney(journey, { id: 0, tokens: new Map() }, env)).toBe(true);
    expect(stub.requests.map((r) => [r.operationName, r.headers.authorization])).toEqual([
      ["Register", "Bearer token-ext-ada"],
      ["Suspend", "Bearer token-support"],
      ["Mine", "Bearer token-ext-ada"],
      ["Public", undefined],
    ]);
  });

  it("fails a request that names no principal in a step acting as several, before sending it", async () => {
    const { stub, env } = await envFor(() => ({ data: { ok: true } }));
    const journey = {
      name: "test.unnamed",
      context: "test",
      steps: [step("Unnamed", EACH_CALL, async (c) => void (await c.gql("Q", "query Q { ok }")))],
    };
    expect(await runJourney(journey, { id: 0, tokens: new Map() }, env)).toBe(false);
    expect(stub.requests).toEqual([]);
    expect(env.stats.snapshot().journeys[0]?.aborts[0]).toMatchObject({
      step: "Unnamed",
      code: "NO_PRINCIPAL",
    });
  });

  it("mints the development sign-in's tokens from the stack's key, as pnpm token does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loadtest-dev-key-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const keyFile = join(dir, "dev-signing-key.json");
    await loadOrCreateDevKey(keyFile);
    const tokenFor = devTokens({ keyFile });
    expect(await tokenFor(ANONYMOUS_USER)).toBeUndefined();
    const claims = (p: Parameters<typeof tokenFor>[0]) =>
      Promise.resolve(tokenFor(p)).then((t) => {
        const { sub, roles, iss, aud } = decodeJwt(t ?? "");
        return { sub, roles, iss, aud };
      });
    expect(await claims(staff("fulfilment"))).toEqual({
      sub: "dev-fulfilment",
      roles: ["fulfilment"],
      iss: "shopstream-dev",
      aud: "shopstream",
    });
    expect(await claims(customer("ext-ada"))).toMatchObject({
      sub: "ext-ada",
      roles: ["customer"],
    });
  });

  it("retries while an event is on its way, then goes on", async () => {
    let calls = 0;
    const { env } = await envFor(() =>
      ++calls < 3
        ? { errors: [{ message: "unknown customer", extensions: { code: "VALIDATION_FAILED" } }] }
        : { data: { createCart: { id: "c" } } },
    );
    const journey = {
      name: "test.retry",
      context: "ordering",
      steps: [
        op(
          "CreateCart",
          ANONYMOUS_USER,
          "mutation CreateCart { createCart { id } }",
          undefined,
          undefined,
          { retryWhile: ["VALIDATION_FAILED"] },
        ),
      ],
    };
    expect(await runJourney(journey, { id: 0, tokens: new Map() }, env)).toBe(true);
    expect(env.stats.snapshot().operations[0]).toMatchObject({
      count: 3,
      failures: 0,
      expectedFailures: 2,
    });
  });
});
