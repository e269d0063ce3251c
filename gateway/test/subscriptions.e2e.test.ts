import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Role, readDevKey, signDevToken } from "@shopstream/auth";
import { newId } from "@shopstream/outbox";
import { createRedis } from "@shopstream/redis";
import { DEFAULT_DEV_KEY_FILE } from "@shopstream/stack";
import { E2E_QUEUE_PREFIX, freePort, graphql, TEST_REDIS_URL, unique } from "@shopstream/testing";
import { e2eShop, errorCode, type TestPrincipal, tokens } from "@shopstream/testing/e2e-shop";
import { waitFor } from "@shopstream/testing/kit";
import { afterAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { encodeLiveCursor } from "../src/live/cursor.ts";
import { collect, describeError, liveClient, wsUrlOf } from "./live-client.ts";

const gateway = () => inject("gatewayUrl");

const shop = e2eShop(gateway(), inject("serviceUrls"));
// Fulfilment moves orders on; the inventory manager receives stock and watches it live.
const fulfilment = shop.as("fulfilment");
const inventoryManager = shop.as("inventory_manager");

/** An active variant (2500 EUR) with `units` in a warehouse of its own, and a customer. */
async function setUp(tag: string, units: number) {
  const customerId = await shop.registerCustomer(tag);
  const variantId = await shop.activeVariant(tag, 2500);
  const { stockItemId, warehouseId } = await shop.stock(variantId, units);
  return {
    customer: { id: customerId, email: `${tag.toLowerCase()}@example.com` },
    variantId,
    warehouseId,
    stockItemId,
  };
}

/** Places an order for one unit (once ordering knows customer and variant); its payment succeeds. */
async function placeOrder(customerId: string, variantId: string) {
  const { id } = await shop.placeOrder(customerId, [{ variantId, quantity: 1 }]);
  await shop.scriptPayment({ orderId: id }, [{ outcome: "succeed" }]);
  return id;
}

interface OrderChange {
  orderStatusChanged: {
    cursor: string;
    event: string;
    previousStatus: string | null;
    status: string;
    occurredAt: string;
    order: {
      id: string;
      status: string;
      customer: { email: string };
      payments: { status: string; amount: { amount: number } }[];
    };
  };
}

const ORDER_CHANGES = `subscription($id: ID!, $after: String) {
  orderStatusChanged(orderId: $id, after: $after) {
    cursor event previousStatus status occurredAt
    order { id status customer { email } payments { status amount { amount } } }
  }
}`;

const changesOf = (rs: { data?: OrderChange | null }[], orderId: string) =>
  rs.map((r) => r.data?.orderStatusChanged).filter((c) => c?.order.id === orderId);
const statuses = (rs: { data?: OrderChange | null }[], orderId: string) =>
  changesOf(rs, orderId).map((c) => c!.status);

/**
 * Waits until the subscriptions are live. graphql-ws has no "subscribed" acknowledgement, so the
 * test makes a matching change (`probe`) and waits to see it, making another every 1.5 s until
 * one is seen; only what happens afterwards is asserted on.
 */
async function whenLive(subs: { results: unknown[] }[], probe: () => Promise<unknown>) {
  let counts: number[] | undefined;
  let probedAt = 0;
  await waitFor(
    "the subscriptions to see a probe",
    async () => {
      if (counts && subs.every((s, i) => s.results.length > counts![i]!)) return true;
      if (Date.now() - probedAt >= 1_500) {
        counts = subs.map((s) => s.results.length);
        await probe();
        probedAt = Date.now();
      }
      return false;
    },
    { timeoutMs: 30_000 },
  );
}

const ORDERS_OF_CUSTOMER = ORDER_CHANGES.replace("orderId: $id", "customerId: $id");

describe("live subscriptions through the gateway (graphql-ws)", () => {
  const clients: { dispose(): unknown }[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  });
  /** A graphql-ws client signed in as `who` (the token in `connection_init`). */
  const client = async (who: TestPrincipal, url = gateway()) => {
    const c = liveClient(url, await tokens.connectionParams(who));
    clients.push(c);
    return c;
  };

  it("streams one order through the checkout saga, in order, with fields of three subgraphs", async () => {
    const tag = unique("LIVE").toUpperCase();
    const { customer, variantId } = await setUp(tag, 5);
    // The customer follows their own orders.
    const sub = collect<OrderChange>(await client(shop.customer(customer.id)), ORDERS_OF_CUSTOMER, {
      id: customer.id,
    });
    await whenLive([sub], () => placeOrder(customer.id, variantId));

    const orderId = await placeOrder(customer.id, variantId);
    await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id: orderId });
    const results = await sub.until((rs) => statuses(rs, orderId).includes("PAID"), 20_000, "PAID");

    expect(
      results.every((r) => r.errors === undefined),
      JSON.stringify(results),
    ).toBe(true);
    const changes = changesOf(results, orderId).map((c) => c!);
    expect(changes.map((c) => [c.event, c.previousStatus, c.status])).toEqual([
      ["OrderPlaced", null, "CREATED"],
      ["OrderConfirmed", "CREATED", "CONFIRMED"],
      ["OrderPaymentPending", "CONFIRMED", "PAYMENT_PENDING"],
      ["OrderPaid", "PAYMENT_PENDING", "PAID"],
    ]);
    for (const c of changes) {
      expect(c.order.customer.email).toBe(customer.email); // identity
      expect(Array.isArray(c.order.payments)).toBe(true); // payments
      expect(Date.parse(c.occurredAt)).not.toBeNaN();
    }
    expect(new Set(changes.map((c) => c.cursor)).size).toBe(4);
    // Delivered after the payment committed, so payments has it whatever the timing.
    expect(changes[3]!.order.payments).toEqual([{ status: "SUCCEEDED", amount: { amount: 2500 } }]);
  });

  it("resumes after a cursor with exactly the missed events, then continues live", async () => {
    const tag = unique("RES").toUpperCase();
    const { customer, variantId } = await setUp(tag, 5);
    const first = await client(shop.customer(customer.id));
    const before = collect<OrderChange>(first, ORDERS_OF_CUSTOMER, { id: customer.id });
    await whenLive([before], () => placeOrder(customer.id, variantId));

    const orderId = await placeOrder(customer.id, variantId);
    await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id: orderId });
    const seen = await before.until(
      (rs) => statuses(rs, orderId).includes("CONFIRMED"),
      20_000,
      "CONFIRMED",
    );
    const cursor = changesOf(seen, orderId).find((c) => c!.status === "CONFIRMED")!.cursor;
    await first.dispose();

    // Disconnected: the saga pays the order and an operator starts processing it.
    await shop.orderUntil<{ status: string }>(orderId, "status", (o) => o.status === "PAID", {
      what: "PAID",
    });
    await fulfilment.ok(`mutation($id: ID!) { markOrderProcessing(id: $id) { id } }`, {
      id: orderId,
    });

    const resumed = collect<OrderChange>(
      await client(shop.customer(customer.id)),
      ORDERS_OF_CUSTOMER,
      {
        id: customer.id,
        after: cursor,
      },
    );
    await resumed.until((rs) => rs.length >= 3, 20_000, "the missed events");
    await fulfilment.ok(`mutation($id: ID!) { recordOrderShipment(orderId: $id) { id } }`, {
      id: orderId,
    });
    await resumed.until((rs) => rs.length >= 4, 20_000, "SHIPPED");
    // One change more, seen after anything the stream had yet to hand over: a duplicate would
    // show up before it.
    await fulfilment.ok(`mutation($id: ID!) { recordOrderDelivery(id: $id) { id } }`, {
      id: orderId,
    });
    const all = await resumed.until(
      (rs) => rs.some((r) => r.data?.orderStatusChanged.status === "DELIVERED"),
      20_000,
      "DELIVERED",
    );
    expect(
      all.every((r) => r.errors === undefined),
      JSON.stringify(all),
    ).toBe(true);
    expect(all.map((r) => r.data!.orderStatusChanged.status)).toEqual([
      "PAYMENT_PENDING",
      "PAID",
      "PROCESSING",
      "SHIPPED",
      "DELIVERED",
    ]);
    expect(all.map((r) => r.data!.orderStatusChanged.order.id)).toEqual(Array(5).fill(orderId));
    expect(all.map((r) => r.data!.orderStatusChanged.cursor)).not.toContain(cursor);
  });

  it("a stock subscription sees every reservation of a small flash sale", async () => {
    const tag = unique("FLASH").toUpperCase();
    const { variantId, stockItemId, warehouseId } = await setUp(tag, 0);
    const sub = collect<{
      stockLevelChanged: {
        event: string;
        previous: { available: number };
        current: { available: number; reserved: number };
        variant: { id: string; variantSku: string; availability: { onHand: number } };
        stockItem: { id: string };
        warehouse: { id: string };
      };
    }>(
      await client("inventory_manager"),
      `subscription($v: ID!) { stockLevelChanged(variantId: $v) {
        event previous { available } current { available reserved }
        variant { id variantSku availability { onHand } } stockItem { id } warehouse { id }
      } }`,
      { v: variantId },
    );
    // Each probe receives one unit; once one is seen the subscription is live.
    await whenLive([sub], () =>
      inventoryManager.ok(
        `mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: 1) { onHand } }`,
        {
          id: stockItemId,
        },
      ),
    );
    const { stockItem } = await inventoryManager.ok<{ stockItem: { available: number } }>(
      `query($id: ID!) { stockItem(id: $id) { available } }`,
      { id: stockItemId },
    );
    const units = stockItem.available;
    const before = sub.results.length;
    const buyers = await Promise.all(
      Array.from({ length: units + 7 }, () =>
        // Reservation commands are admin's alone.
        shop
          .as("admin")
          .send<{ reserveStock: { id: string } }>(
            `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id } }`,
            { input: { stockItemId, quantity: 1 } },
          ),
      ),
    );
    const winners = buyers.filter((b) => !b.errors).length;
    const losers = buyers.filter((b) => errorCode(b) === "INSUFFICIENT_STOCK");
    expect([winners, losers.length]).toEqual([units, 7]);

    await sub.until((rs) => rs.length >= before + units, 20_000, "the reservations");
    // One change more, seen after anything the stream had yet to hand over: an extra
    // reservation event would show up before it.
    await inventoryManager.ok(
      `mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: 1) { onHand } }`,
      { id: stockItemId },
    );
    const all = await sub.until(
      (rs) => rs.some((r, i) => i >= before && r.data?.stockLevelChanged.event === "StockReceived"),
      20_000,
      "the stock received after the sale",
    );
    expect(
      all.every((r) => r.errors === undefined),
      JSON.stringify(all),
    ).toBe(true);
    expect(all.map((r) => r.data!.stockLevelChanged.event).slice(before + units)).toEqual([
      "StockReceived",
    ]);
    const changes = all.slice(before, before + units).map((r) => r.data!.stockLevelChanged);
    const countdown = Array.from({ length: units }, (_, i) => units - 1 - i);
    expect(changes.map((c) => c.event)).toEqual(Array(units).fill("StockReserved"));
    expect(changes.map((c) => c.current.available)).toEqual(countdown);
    expect(changes.map((c) => c.previous.available)).toEqual(countdown.map((n) => n + 1));
    expect(changes.map((c) => c.current.reserved)).toEqual(countdown.map((n) => units - n));
    for (const c of changes) {
      expect(c.variant).toEqual({
        id: variantId,
        variantSku: `${tag}-V`,
        availability: { onHand: units },
      });
      expect(c.stockItem.id).toBe(stockItemId);
      expect(c.warehouse.id).toBe(warehouseId);
    }
  });

  it("rejects bad queries, bad and expired cursors, and too many subscriptions", async () => {
    // Staff who follow every order (and, below, the inventory manager for stock).
    const c = await client("fulfilment");
    const failure = async (query: string, variables: Record<string, unknown> = {}) => {
      const sub = collect(c, query, variables);
      await sub.until(() => sub.state.ended, 10_000, "the rejection");
      const errors = (sub.state.error ?? sub.results[0]?.errors) as
        | { message: string; extensions?: { code?: string } }[]
        | undefined;
      expect(Array.isArray(errors), JSON.stringify(describeError(sub.state.error))).toBe(true);
      return errors![0]!;
    };

    const unknownField = await failure(`subscription { orderStatusChanged { nope } }`);
    expect(unknownField.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(unknownField.message).toContain("nope");

    // The HTTP path's depth limit applies on the WebSocket too, with the same message.
    const deep = `order ${"{ customer { orders { edges { node ".repeat(4)}{ id }${" } } } }".repeat(4)}`;
    const wsDeep = await failure(`subscription { orderStatusChanged { ${deep} } }`);
    const httpDeep = await graphql(
      gateway(),
      `query { order(id: "01900000-0000-7000-8000-000000000000") ${deep.slice("order ".length)} }`,
      {},
      await tokens.headers("fulfilment"),
    );
    expect(wsDeep.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(wsDeep.message).toMatch(/nested \d+ fields deep; the most allowed is 15/);
    expect(httpDeep.errors?.[0]?.message).toMatch(/nested \d+ fields deep; the most allowed is 15/);

    const badId = await failure(`subscription { orderStatusChanged(orderId: "42") { status } }`);
    expect(badId.extensions?.code).toBe("VALIDATION_FAILED");

    const notACursor = await failure(
      `subscription { orderStatusChanged(after: "bm9wZQ") { status } }`,
    );
    expect(notACursor.extensions?.code).toBe("VALIDATION_FAILED");

    // A stock cursor is not an order cursor.
    const wrongStream = await failure(
      `subscription($a: String) { orderStatusChanged(after: $a) { status } }`,
      {
        a: encodeLiveCursor("inventory", "1-0"),
      },
    );
    expect(wrongStream.extensions?.code).toBe("VALIDATION_FAILED");

    // Ordering's stream holds events of this run, so its very first id has been passed by.
    const expired = await failure(
      `subscription($a: String) { orderStatusChanged(after: $a) { status } }`,
      {
        a: encodeLiveCursor("ordering", "1-0"),
      },
    );
    expect(expired.extensions?.code).toBe("CURSOR_EXPIRED");

    // The per-connection cap (25): the 26th subscription on one connection is refused, the
    // others keep running, and a second connection may hold its own.
    const crowded = await client("inventory_manager");
    const held = Array.from({ length: 25 }, () =>
      collect(crowded, `subscription { stockLevelChanged { event } }`),
    );
    // All 25 taken before the 26th is asked for: each has seen a stock change.
    const { stockItemId } = await shop.stock(newId(), 0);
    await whenLive(held, () =>
      inventoryManager.ok(
        `mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: 1) { onHand } }`,
        {
          id: stockItemId,
        },
      ),
    );
    const extra = collect(crowded, `subscription { stockLevelChanged { event } }`);
    await extra.until(() => extra.state.ended, 10_000, "the refusal");
    const refused = extra.state.error as { extensions?: { code?: string } }[];
    expect(refused[0]?.extensions?.code).toBe("TOO_MANY_SUBSCRIPTIONS");
    expect(held.every((h) => !h.state.ended)).toBe(true);
    for (const h of held) h.unsubscribe();
  });

  it("closes idle connections and serves queries and mutations over the socket too", async () => {
    const socket = new WebSocket(wsUrlOf(gateway()), "graphql-transport-ws");
    const messages: { type: string; id?: string; payload?: unknown }[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise((r) => socket.once("open", r));
    // A stock dashboard, signed in as the inventory manager.
    socket.send(
      JSON.stringify({
        type: "connection_init",
        payload: await tokens.connectionParams("inventory_manager"),
      }),
    );
    // The protocol allows operations only once the server acknowledged the connection.
    await waitFor("the acknowledgement", () => messages.length > 0);
    socket.send(
      JSON.stringify({
        id: "q1",
        type: "subscribe",
        payload: { query: `{ warehouses(first: 1) { totalCount } }` },
      }),
    );
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
    );
    expect(
      messages.map((m) => m.type),
      JSON.stringify(closed),
    ).toEqual(["connection_ack", "next", "complete"]);
    expect(messages[1]!.payload).toMatchObject({
      data: { warehouses: { totalCount: expect.any(Number) } },
    });
    // WS_IDLE_TIMEOUT_MS is 1500 in the e2e stack.
    expect(closed).toEqual({ code: 1000, reason: "Idle timeout" });
  });

  it("serves subscribers from two gateway processes with one Redis subscription per channel each", async () => {
    const urls = inject("serviceUrls");
    const port = await freePort();
    const second: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("../src/main.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          REDIS_URL: TEST_REDIS_URL,
          QUEUE_PREFIX: E2E_QUEUE_PREFIX,
          ...Object.fromEntries(
            ["identity", "catalogue", "ordering", "inventory", "payments"].map((n) => [
              `${n.toUpperCase()}_URL`,
              `${urls[n]}/graphql`,
            ]),
          ),
        },
        stdio: "inherit",
      },
    );
    try {
      const secondUrl = `http://127.0.0.1:${port}/graphql`;
      await waitFor(
        "the second gateway to be ready",
        () =>
          fetch(`http://127.0.0.1:${port}/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      const tag = unique("TWO").toUpperCase();
      const { customer, variantId } = await setUp(tag, 5);
      const me = shop.customer(customer.id);
      const subscribers = [
        ...(await Promise.all(
          Array.from({ length: 10 }, async () =>
            collect<OrderChange>(await client(me), ORDERS_OF_CUSTOMER, { id: customer.id }),
          ),
        )),
        ...(await Promise.all(
          Array.from({ length: 10 }, async () =>
            collect<OrderChange>(await client(me, secondUrl), ORDERS_OF_CUSTOMER, {
              id: customer.id,
            }),
          ),
        )),
      ];
      await whenLive(subscribers, () => placeOrder(customer.id, variantId));
      const redis = createRedis(TEST_REDIS_URL);
      const [, listeners] = (await redis.pubsub(
        "NUMSUB",
        `${E2E_QUEUE_PREFIX}:live:ordering:new`,
      )) as [string, number];
      redis.disconnect();
      // 20 subscribers, 2 gateways: 2 Redis subscriptions.
      expect(Number(listeners)).toBe(2);

      const orderId = await placeOrder(customer.id, variantId);
      await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id: orderId });
      for (const s of subscribers) {
        const rs = await s.until((r) => statuses(r, orderId).includes("PAID"), 20_000, "PAID");
        expect(statuses(rs, orderId)).toEqual(["CREATED", "CONFIRMED", "PAYMENT_PENDING", "PAID"]);
      }
    } finally {
      second.kill("SIGTERM");
    }
  });
});

// ---- Subscriptions per principal -------------------------------------------------------------
// Signed in with dev tokens of the stack's key, as auth.e2e.test.ts mints them.

/** A dev token of the stack's key for `sub` with `roles`, valid `ttlSeconds` from `now`. */
async function devToken(
  sub: string,
  roles: Role[],
  opts: { ttlSeconds?: number; now?: number } = {},
) {
  const key = await readDevKey(DEFAULT_DEV_KEY_FILE);
  return signDevToken(
    key.privateKey,
    { sub, roles },
    { ttlSeconds: opts.ttlSeconds ?? 600, ...(opts.now ? { now: opts.now } : {}) },
  );
}

type ConnectionParams = Parameters<typeof liveClient>[1];

/** connection_init's payload for `sub` with `roles`: a fresh token at every connect. */
function signedIn(sub: string, roles: Role[]): ConnectionParams {
  return async () => ({ authorization: `Bearer ${await devToken(sub, roles)}` });
}

describe("live subscriptions per principal", () => {
  const clients: { dispose(): unknown }[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  });
  const client = (params: ConnectionParams) => {
    const c = liveClient(gateway(), params);
    clients.push(c);
    return c;
  };

  const ORDERS = `subscription { orderStatusChanged { status order { id customer { email } } } }`;
  const STOCK = `subscription { stockLevelChanged { event } }`;

  it("refuses a subscriber the policy table does not let in: UNAUTHENTICATED anonymous, FORBIDDEN by role", async () => {
    const cases: [string, ConnectionParams, string, string][] = [
      ["anonymous, orders", {}, ORDERS, "UNAUTHENTICATED"],
      ["anonymous, stock", {}, STOCK, "UNAUTHENTICATED"],
      [
        "inventory manager, orders",
        signedIn("e2e-stock", ["inventory_manager"]),
        ORDERS,
        "FORBIDDEN",
      ],
      ["finance, stock", signedIn("e2e-finance", ["finance"]), STOCK, "FORBIDDEN"],
      ["support, stock", signedIn("e2e-support", ["support"]), STOCK, "FORBIDDEN"],
      ["a customer, stock", signedIn(unique("ext-shopper"), ["customer"]), STOCK, "FORBIDDEN"],
    ];
    for (const [what, params, query, code] of cases) {
      const sub = collect(client(params), query);
      await sub.until(() => sub.state.ended, 10_000, `the refusal of ${what}`);
      expect(
        sub.results.map((r) => r.errors?.map((e) => e.extensions?.code)),
        `${what}: ${JSON.stringify(describeError(sub.state.error))}`,
      ).toEqual([[code]]);
    }
  });

  it("hands each customer only their own orders, each order's customer fetched as them; staff every order", async () => {
    const tagA = unique("ADA").toUpperCase();
    const tagB = unique("BOB").toUpperCase();
    const { customer: ada, variantId } = await setUp(tagA, 20);
    const bobId = await shop.registerCustomer(tagB);
    const bob = { id: bobId, email: `${tagB.toLowerCase()}@example.com` };
    type Change = {
      orderStatusChanged: { status: string; order: { id: string; customer: { email: string } } };
    };
    const adaConnection = client(signedIn(`ext-${tagA}`, ["customer"]));
    // Ada naming Bob as the customer: answered as an unknown customer, with nothing.
    const adaAsBob = collect<Change>(
      adaConnection,
      `subscription($id: ID) { orderStatusChanged(customerId: $id) { status order { id } } }`,
      { id: bob.id },
    );
    // The same operation for both customers (no arguments): each their own results.
    const adas = collect<Change>(adaConnection, ORDERS);
    const bobs = collect<Change>(client(signedIn(`ext-${tagB}`, ["customer"])), ORDERS);
    const support = collect<Change>(client(signedIn("e2e-live-support", ["support"])), ORDERS);
    await whenLive([adas, bobs, support], async () => {
      await placeOrder(ada.id, variantId);
      await placeOrder(bob.id, variantId);
    });

    const adaOrder = await placeOrder(ada.id, variantId);
    const bobOrder = await placeOrder(bob.id, variantId);
    const placed = (orderId: string) => (rs: { data?: Change | null }[]) =>
      rs.some(
        (r) =>
          r.data?.orderStatusChanged.order.id === orderId &&
          r.data.orderStatusChanged.status === "CREATED",
      );
    await support.until(
      (rs) => placed(adaOrder)(rs) && placed(bobOrder)(rs),
      20_000,
      "both new orders",
    );
    await adas.until(placed(adaOrder), 20_000, "Ada's new order");
    await bobs.until(placed(bobOrder), 20_000, "Bob's new order");

    const customersOf = (rs: { data?: Change | null; errors?: unknown }[]) => {
      expect(
        rs.every((r) => r.errors === undefined),
        JSON.stringify(rs),
      ).toBe(true);
      return new Set(rs.map((r) => r.data!.orderStatusChanged.order.customer.email));
    };
    expect(customersOf(adas.results)).toEqual(new Set([ada.email]));
    expect(customersOf(bobs.results)).toEqual(new Set([bob.email]));
    expect(adas.results.map((r) => r.data!.orderStatusChanged.order.id)).not.toContain(bobOrder);
    expect(bobs.results.map((r) => r.data!.orderStatusChanged.order.id)).not.toContain(adaOrder);
    expect([...customersOf(support.results)]).toEqual(
      expect.arrayContaining([ada.email, bob.email]),
    );
    expect(adaAsBob.results).toEqual([]);
    expect(adaAsBob.state).toEqual({ ended: false, error: undefined });
  });

  it("closes the socket with 4403 when its token expires, not before", async () => {
    const now = Math.floor(Date.now() / 1000);
    const TTL = 3;
    const token = await devToken("e2e-short-lived", ["fulfilment"], { ttlSeconds: TTL, now });
    const socket = new WebSocket(wsUrlOf(gateway()), "graphql-transport-ws");
    const messages: string[] = [];
    let closed: { code: number; reason: string; at: number } | undefined;
    socket.once("close", (code, reason) => {
      closed = { code, reason: String(reason), at: Date.now() };
    });
    socket.on("message", (data) => messages.push(JSON.parse(String(data)).type));
    try {
      await new Promise((r) => socket.once("open", r));
      socket.send(
        JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }),
      );
      await waitFor("the acknowledgement", () => messages.includes("connection_ack"));
      socket.send(JSON.stringify({ id: "s1", type: "subscribe", payload: { query: STOCK } }));
      // Within the token's lifetime and a margin.
      await waitFor("the socket to be closed", () => closed, { timeoutMs: TTL * 1000 + 10_000 });
      expect({ code: closed!.code, reason: closed!.reason }).toEqual({
        code: 4403,
        reason: "Token expired",
      });
      expect(closed!.at).toBeGreaterThanOrEqual((now + TTL) * 1000);
    } finally {
      socket.terminate();
    }
  });
});
