import { fileURLToPath } from "node:url";
import { actorOf } from "@shopstream/auth";
import { sqlPoolOf } from "@shopstream/db";
import {
  createOrderingPrisma,
  createContext as orderingContext,
  createServer as orderingServer,
} from "@shopstream/ordering";
import { prisma as orderingDb, seedCustomer, seedVariant } from "@shopstream/ordering/harness";
import { type RunningHttpService, startHttpService } from "@shopstream/service";
import { TEST_ADMIN, testDatabaseUrl } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/gateway.ts";
import { logger } from "./in-process-supergraph.ts";

// A burst of placeOrder through the gateway's HTTP against an ordering subgraph on a pool of one
// connection with a 200 ms wait, behind a gateway admitting 40 operations at once with 8 more
// queued for 50 ms: every call is served (200 with the order) or refused as retryable (503,
// Retry-After, SERVICE_UNAVAILABLE) — by the gateway's admission or by the pool's wait — and
// never INTERNAL_SERVER_ERROR; a refused call wrote nothing and a served one wrote it all.
// placeOrder is one short statement, so on a quiet machine the pool's wait alone may never run
// out: the first round holds the pool's one connection until the first call is refused by it.

const BURST = 80;
const prisma = createOrderingPrisma(testDatabaseUrl("ordering"), {
  poolSize: 1,
  acquireTimeoutMs: 200,
});
const services: RunningHttpService[] = [];
let gatewayUrl = "";
let customerId = "";
let variantId = "";

beforeAll(async () => {
  const ordering = await startHttpService({
    name: "ordering",
    port: 0,
    host: "127.0.0.1",
    logger,
    readiness: {},
    apollo: orderingServer(logger),
    context: (base) =>
      orderingContext(prisma, { ...base, principal: TEST_ADMIN, actor: actorOf(TEST_ADMIN) }),
  });
  services.push(ordering);
  const gateway = createGateway({
    supergraphPath: fileURLToPath(new URL("../../schema/supergraph.graphql", import.meta.url)),
    subgraphUrls: { ordering: ordering.url },
    logger,
  }).server;
  const served = await startHttpService({
    name: "gateway",
    port: 0,
    host: "127.0.0.1",
    logger,
    readiness: {},
    apollo: gateway,
    admission: { maxInFlight: 40, maxQueued: 8, queueTimeoutMs: 50 },
    context: (base) => ({ ...base, principal: TEST_ADMIN, actor: actorOf(TEST_ADMIN) }),
  });
  services.push(served);
  gatewayUrl = served.url;
  customerId = await seedCustomer();
  variantId = await seedVariant(1_000);
});

afterAll(async () => {
  for (const s of services.reverse()) await s.stop();
  await prisma.$disconnect();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  orderId: string | null;
  codes: unknown[];
  messages: string[];
}

async function placeOne(): Promise<Answer> {
  const res = await fetch(gatewayUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }`,
      variables: { input: { customerId, lines: [{ variantId, quantity: 1 }] } },
    }),
  });
  const body = (await res.json()) as {
    data?: { placeOrder: { id: string } | null } | null;
    errors?: { message: string; extensions?: { code?: unknown } }[];
  };
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    orderId: body.data?.placeOrder?.id ?? null,
    codes: (body.errors ?? []).map((e) => e.extensions?.code),
    messages: (body.errors ?? []).map((e) => e.message),
  };
}

describe("a burst of placeOrder against a tiny pool", () => {
  it("serves or refuses each call as retryable (503 SERVICE_UNAVAILABLE), never internal, nothing half-written", async () => {
    const seen = { served: 0, admission: 0, pool: 0 };
    const answers: Answer[] = [];
    // Rounds until both refusal paths happened at least once (each is a race with the others).
    const isPoolRefusal = (a: Answer) => a.messages.some((m) => m.includes("database is busy"));
    for (let round = 0; round < 6 && !(seen.served && seen.admission && seen.pool); round++) {
      let held = round === 0 ? await sqlPoolOf(prisma).connect() : undefined;
      const burst = await Promise.all(
        Array.from({ length: BURST }, () =>
          placeOne().then((a) => {
            if (held && isPoolRefusal(a)) {
              held.release();
              held = undefined;
            }
            return a;
          }),
        ),
      );
      held?.release();
      answers.push(...burst);
      for (const a of burst) {
        if (a.orderId) seen.served++;
        else if (a.messages.some((m) => m.includes("at capacity"))) seen.admission++;
        else if (isPoolRefusal(a)) seen.pool++;
      }
    }
    for (const a of answers) {
      if (a.orderId) {
        expect(a).toMatchObject({ status: 200, codes: [] });
      } else {
        expect(a.status, JSON.stringify(a)).toBe(503);
        expect(a.retryAfter, JSON.stringify(a)).toMatch(/^\d+$/);
        expect(a.codes.length).toBeGreaterThan(0);
        for (const code of a.codes) expect(code, JSON.stringify(a)).toBe("SERVICE_UNAVAILABLE");
      }
    }
    expect(seen.served).toBeGreaterThan(0);
    expect(seen.admission).toBeGreaterThan(0);
    expect(seen.pool).toBeGreaterThan(0);

    // Exactly the served orders exist, each whole: lines, its OrderPlaced outbox row, history.
    const orders = await orderingDb.order.findMany({
      where: { customerId },
      select: { id: true, lines: { select: { id: true } }, events: { select: { type: true } } },
    });
    expect(orders.map((o) => o.id).sort()).toEqual(
      answers.flatMap((a) => (a.orderId ? [a.orderId] : [])).sort(),
    );
    const outbox = await orderingDb.outbox.findMany({
      where: { aggregateId: { in: orders.map((o) => o.id) }, eventType: "OrderPlaced" },
      select: { aggregateId: true },
    });
    expect(new Set(outbox.map((r) => r.aggregateId)).size).toBe(orders.length);
    for (const o of orders) {
      expect(o.lines).toHaveLength(1);
      expect(o.events.map((e) => e.type)).toEqual(["OrderPlaced"]);
    }
  }, 120_000);
});
