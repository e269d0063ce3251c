import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  ANONYMOUS,
  actorOf,
  createInternalSigner,
  createInternalVerifier,
  generateInternalKeyPair,
  type InternalKeyPair,
  type Principal,
  signDevToken,
} from "@shopstream/auth";
import {
  CataloguePrismaClient,
  createContext as catalogueContext,
  createServer as catalogueServer,
} from "@shopstream/catalogue";
import { createPgAdapter } from "@shopstream/db";
import { type RunningHttpService, startHttpService } from "@shopstream/service";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDevAuthenticator,
  identityCustomerLookup,
  requestAuthenticator,
} from "../src/auth/index.ts";
import { createGateway } from "../src/gateway.ts";
import { logger } from "./in-process-supergraph.ts";

// The gateway's HTTP path with its client authenticator, in front of the catalogue subgraph on the
// test database. The subgraph here takes its principal only from the gateway's internal token (as
// every subgraph does once it verifies them), so the events it writes show whom the gateway said
// was calling.

const prisma = new CataloguePrismaClient({
  adapter: createPgAdapter(testDatabaseUrl("catalogue")),
});
let internal: InternalKeyPair;
let devKey: {
  privateKey: Awaited<ReturnType<typeof exportJWK>>;
  publicKey: Awaited<ReturnType<typeof exportJWK>>;
};
const seen: { principal: Principal; xActor: string | undefined }[] = [];
const services: RunningHttpService[] = [];
let gatewayUrl = "";
let stopGateway: () => Promise<void> = async () => {};

beforeAll(async () => {
  internal = await generateInternalKeyPair();
  const pair = await generateKeyPair("ES256", { extractable: true });
  devKey = {
    privateKey: { ...(await exportJWK(pair.privateKey)), kid: "dev-test" },
    publicKey: { ...(await exportJWK(pair.publicKey)), kid: "dev-test" },
  };
  const verifier = createInternalVerifier([internal.publicKey], "catalogue");
  const subgraph = await startHttpService({
    name: "catalogue",
    port: 0,
    host: "127.0.0.1",
    logger,
    readiness: {},
    apollo: catalogueServer(logger),
    context: async (base, req) => {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!bearer) throw new Error("no internal token");
      const principal = await verifier.verify(bearer);
      const xActor = req.headers["x-actor"];
      seen.push({ principal, xActor: typeof xActor === "string" ? xActor : undefined });
      return catalogueContext(prisma, { ...base, principal, actor: actorOf(principal) });
    },
  });
  services.push(subgraph);

  const gateway = createGateway({
    supergraphPath: fileURLToPath(new URL("../../schema/supergraph.graphql", import.meta.url)),
    subgraphUrls: { catalogue: subgraph.url },
    logger,
    internalSigner: createInternalSigner(internal.privateKey),
  });
  const authenticator = createDevAuthenticator(devKey.publicKey, {
    customerIds: async (externalId) =>
      externalId === "ext-registered" ? "11111111-1111-4111-8111-111111111111" : null,
  });
  const http = await startHttpService({
    name: "gateway",
    port: 0,
    host: "127.0.0.1",
    logger,
    readiness: {},
    apollo: gateway.server,
    authenticate: requestAuthenticator(authenticator),
  });
  gatewayUrl = http.url;
  stopGateway = () => http.stop();
});

afterAll(async () => {
  await stopGateway();
  await Promise.all(services.map((s) => s.stop()));
  await prisma.$disconnect();
});

const CREATE = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;

async function post(
  headers: Record<string, string>,
  query = CREATE,
  variables: Record<string, unknown> = { input: { name: unique("auth") } },
) {
  const res = await fetch(gatewayUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as {
    data?: { createCategory?: { id: string } } | null;
    errors?: unknown[];
  };
  return { res, body };
}

/** The actor of the event a category's creation wrote. */
async function actorOfCategory(id: string): Promise<unknown> {
  const [row] = await prisma.outbox.findMany({ where: { aggregateId: id } });
  return (row?.metadata as { actor?: unknown } | undefined)?.actor;
}

describe("gateway authentication", () => {
  it("ignores a forged x-actor header: no token is anonymous, and the header reaches no subgraph", async () => {
    const before = seen.length;
    // A command anonymous callers may not use: refused at the gateway, nothing written.
    const { res, body } = await post({ "x-actor": "admin" });
    expect(res.status).toBe(401);
    expect(body).toEqual({
      errors: [
        {
          message: "Sign in to use Mutation.createCategory",
          extensions: { code: "UNAUTHENTICATED", coordinate: "Mutation.createCategory" },
        },
      ],
    });
    expect(seen.length).toBe(before);
    // A read anyone may make reaches the subgraph as anonymous, without the header.
    const read = await post(
      { "x-actor": "admin" },
      `query($id: ID!) { category(id: $id) { id } }`,
      {
        id: "00000000-0000-4000-8000-000000000000",
      },
    );
    expect(read.res.status).toBe(200);
    expect(seen.at(-1)).toEqual({ principal: ANONYMOUS, xActor: undefined });
  });

  it("answers a bad token with HTTP 401 and a GraphQL error in JSON, and asks no subgraph", async () => {
    const before = seen.length;
    const expired = await signDevToken(
      devKey.privateKey,
      { sub: "sam", roles: ["admin"] },
      { now: Math.floor(Date.now() / 1000) - 7200 },
    );
    for (const authorization of [
      `Bearer ${expired}`,
      "Bearer nonsense",
      "Basic YWRtaW46YWRtaW4=",
    ]) {
      const { res, body } = await post({ authorization, "x-actor": "admin" });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(body).toEqual({
        errors: [{ message: expect.any(String), extensions: { code: "UNAUTHENTICATED" } }],
      });
    }
    expect(seen.length).toBe(before);
  });

  it("has a staff member's commands recorded as theirs", async () => {
    const token = await signDevToken(devKey.privateKey, {
      sub: "sam",
      roles: ["catalogue_manager"],
    });
    const { body } = await post({ authorization: `Bearer ${token}`, "x-actor": "admin" });
    const id = body.data?.createCategory?.id ?? "";
    expect(await actorOfCategory(id)).toBe("staff:sam");
    expect(seen.at(-1)).toEqual({
      principal: { kind: "staff", sub: "sam", customerId: null, roles: ["catalogue_manager"] },
      xActor: undefined,
    });
  });

  it("refuses a field the role may not use with HTTP 403 FORBIDDEN, before any subgraph is asked", async () => {
    const before = seen.length;
    const token = await signDevToken(devKey.privateKey, { sub: "cara", roles: ["customer"] });
    // The refused field is found through a fragment, next to one the customer may use.
    const { res, body } = await post(
      { authorization: `Bearer ${token}` },
      `mutation($input: CreateCategoryInput!) { ...Create } fragment Create on Mutation { createCategory(input: $input) { id } }`,
    );
    expect(res.status).toBe(403);
    expect(body).toEqual({
      errors: [
        {
          message: "Your role may not use Mutation.createCategory",
          extensions: { code: "FORBIDDEN", coordinate: "Mutation.createCategory" },
        },
      ],
    });
    expect(seen.length).toBe(before);
  });

  it("hands subgraphs a customer's own identity record", async () => {
    const token = await signDevToken(devKey.privateKey, {
      sub: "ext-registered",
      roles: ["customer"],
    });
    await post(
      { authorization: `Bearer ${token}` },
      `query($id: ID!) { category(id: $id) { id } }`,
      { id: "00000000-0000-4000-8000-000000000000" },
    );
    expect(seen.at(-1)?.principal).toEqual({
      kind: "customer",
      sub: "ext-registered",
      customerId: "11111111-1111-4111-8111-111111111111",
      roles: ["customer"],
    });
  });
});

describe("the customer id look-up", () => {
  it("asks identity's internal field as the gateway itself, with a token for identity", async () => {
    const asked: { principal: Principal; body: { query: string; variables: unknown } }[] = [];
    const verifier = createInternalVerifier([internal.publicKey], "identity");
    const identity = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk) => {
        text += chunk;
      });
      req.on("end", async () => {
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
        const body = JSON.parse(text) as { query: string; variables: { externalId: string } };
        asked.push({ principal: await verifier.verify(bearer), body });
        const id = body.variables.externalId === "ext-1" ? "customer-1" : null;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: { _customerIdByExternalId: id } }));
      });
    });
    await new Promise<void>((resolve) => identity.listen(0, "127.0.0.1", resolve));
    try {
      const lookup = identityCustomerLookup({
        identityUrl: `http://127.0.0.1:${(identity.address() as AddressInfo).port}/graphql`,
        signer: createInternalSigner(internal.privateKey),
      });
      expect(await lookup("ext-1")).toBe("customer-1");
      expect(await lookup("ext-2")).toBe(null);
      expect(asked.map((a) => a.principal)).toEqual(
        Array(2).fill({ kind: "service", sub: "gateway", customerId: null, roles: [] }),
      );
      expect(asked[0]?.body).toEqual({
        query: expect.stringContaining("_customerIdByExternalId(externalId: $externalId)"),
        variables: { externalId: "ext-1" },
      });
    } finally {
      await new Promise<void>((resolve) => identity.close(() => resolve()));
    }
  });
});
