import { readDevKey, signDevToken } from "@shopstream/auth";
import { DEFAULT_DEV_KEY_FILE } from "@shopstream/stack";
import { e2eDatabaseUrl, unique } from "@shopstream/testing";
import { waitFor } from "@shopstream/testing/kit";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { wsUrlOf } from "./live-client.ts";

// Sign-in through the stack `npm start` runs (dev mode: tokens of `pnpm token`, signed with the
// key the gateway made in the data folder).

const gateway = () => inject("gatewayUrl");
const identity = new pg.Pool({ connectionString: e2eDatabaseUrl("identity"), max: 1 });
afterAll(() => identity.end());

const REGISTER = `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`;

async function post(headers: Record<string, string>, query: string, variables = {}) {
  const res = await fetch(gateway(), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    res,
    body: (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] },
  };
}

const register = (headers: Record<string, string>) => {
  const externalId = unique("auth");
  return post(headers, REGISTER, {
    input: { externalId, email: `${externalId}@example.com`, firstName: "Ada", lastName: "Auth" },
  });
};

/** The actor recorded on the events of a customer's registration. */
async function actorsOf(customerId: string): Promise<string[]> {
  const { rows } = await identity.query<{ actor: string }>(
    "SELECT metadata->>'actor' AS actor FROM outbox WHERE aggregate_id = $1",
    [customerId],
  );
  return rows.map((r) => r.actor);
}

async function devToken(sub: string, roles: ("support" | "customer")[], ttlSeconds = 600) {
  const key = await readDevKey(DEFAULT_DEV_KEY_FILE);
  return signDevToken(key.privateKey, { sub, roles }, { ttlSeconds });
}

describe("sign-in at the gateway", () => {
  it("treats a forged x-actor header without a token as anonymous", async () => {
    const { res, body } = await register({ "x-actor": "admin" });
    expect(res.status).toBe(200);
    const id = (body.data?.registerCustomer as { id: string } | undefined)?.id ?? "";
    expect(await actorsOf(id)).toEqual(["anonymous"]);
  });

  it("answers a bad token with HTTP 401 and UNAUTHENTICATED in JSON", async () => {
    const expired = await devToken("sam", ["support"], -3600);
    for (const authorization of [`Bearer ${expired}`, "Bearer x.y.z", "Token abc"]) {
      const { res, body } = await register({ authorization, "x-actor": "admin" });
      expect(res.status, authorization).toBe(401);
      expect(body).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: "UNAUTHENTICATED" } }],
      });
    }
  });

  it("accepts a dev token of the stack's key, for staff and customers", async () => {
    const staff = await post(
      { authorization: `Bearer ${await devToken("dev-support", ["support"])}` },
      "{ customers(first: 1) { totalCount } }",
    );
    expect(staff.res.status).toBe(200);
    expect(staff.body.errors).toBeUndefined();
    const customer = await post(
      { authorization: `Bearer ${await devToken(unique("ext"), ["customer"])}` },
      "{ __typename }",
    );
    expect(customer.body).toEqual({ data: { __typename: "Query" } });
  });

  it("authenticates WebSocket connections by connection_init's authorization", async () => {
    const connect = async (payload: Record<string, unknown>) => {
      const socket = new WebSocket(wsUrlOf(gateway()), "graphql-transport-ws");
      const messages: string[] = [];
      const closed = new Promise<number>((resolve) =>
        socket.once("close", (code) => resolve(code)),
      );
      socket.on("message", (data) => messages.push(JSON.parse(String(data)).type));
      await new Promise((r) => socket.once("open", r));
      socket.send(JSON.stringify({ type: "connection_init", payload }));
      return { socket, messages, closed };
    };
    const good = await connect({
      authorization: `Bearer ${await devToken("dev-support", ["support"])}`,
    });
    await waitFor("the acknowledgement", () => good.messages.includes("connection_ack"));
    good.socket.close();
    const alsoGood = await connect({ Authorization: `Bearer ${await devToken("x", ["support"])}` });
    await waitFor("the acknowledgement", () => alsoGood.messages.includes("connection_ack"));
    alsoGood.socket.close();
    const bad = await connect({ authorization: "Bearer x.y.z" });
    expect(await bad.closed).toBe(4403);
    expect(bad.messages).toEqual([]);
  });
});
