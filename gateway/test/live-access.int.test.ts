import type { Principal } from "@shopstream/auth";
import { newId } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { waitFor } from "@shopstream/testing/kit";
import type { GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { SubscriptionServerOptions } from "../src/live/subscription-server.ts";
import { createRateLimiter } from "../src/rate-limit.ts";
import { collect, describeError, liveClient, wsUrlOf } from "./live-client.ts";
import { levels, orderEvent, stockEvent, stockIds } from "./live-fixtures.ts";
import { inMemoryGateway, liveTestBed, loadApiSchema, logger } from "./live-harness.ts";

// Subscriptions per principal (docs/security.md, "Subscriptions"): the policy table's
// Subscription rows at subscribe time, events narrowed per subscriber, entities fetched as the
// subscriber, the socket closed when its token expires, and connections and subscribes charged
// to the rate budget. Principals come from `connection_init` through the harness's stand-in
// (`principalFromActorParam`): `actor`, `roles`, `customerId`, `expiresInMs`.

const bed = liveTestBed();
const { resources } = bed;

interface Change {
  orderStatusChanged: {
    cursor: string;
    status: string;
    order: { id: string; customer: { email: string } };
  };
}

const ANY_ORDER = `subscription($after: String) {
  orderStatusChanged(after: $after) { cursor status order { id customer { email } } }
}`;
const BY_ORDER = `subscription($id: ID) {
  orderStatusChanged(orderId: $id) { cursor status order { id customer { email } } }
}`;
const BY_CUSTOMER = `subscription($id: ID) {
  orderStatusChanged(customerId: $id) { cursor status order { id customer { email } } }
}`;
const ANY_STOCK = `subscription { stockLevelChanged { event } }`;

/** A customer's `connection_init`: their subject and their identity record. */
const customer = (name: string) => ({
  actor: `ext-${unique(name)}`,
  roles: ["customer"],
  customerId: newId(),
});
const staff = (...roles: string[]) => ({ actor: unique(roles.join("-")), roles });

/** A bare graphql-transport-ws connection that records what the server sends and how it closed. */
async function rawSocket(url: string, payload: Record<string, unknown>) {
  const socket = resources.add(new WebSocket(wsUrlOf(url), "graphql-transport-ws"), (s) =>
    s.terminate(),
  );
  let close: { code: number; reason: string; at: number } | undefined;
  socket.once("close", (code, reason) => {
    close = { code, reason: String(reason), at: Date.now() };
  });
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise((r) => socket.once("open", r));
  const initAt = Date.now();
  socket.send(JSON.stringify({ type: "connection_init", payload }));
  return {
    initAt,
    messages,
    send: (message: Record<string, unknown>) => socket.send(JSON.stringify(message)),
    acked: () => waitFor("the ack", () => messages.some((m) => m.type === "connection_ack")),
    /** How the server closed the socket (waiting for it, with a deadline). */
    closed: async (timeoutMs = 20_000) => {
      await waitFor("the socket to be closed", () => close !== undefined, { timeoutMs });
      return close!;
    },
  };
}

describe("subscriptions per principal", () => {
  let schema: GraphQLSchema;
  let stopSchema: () => Promise<void>;
  beforeAll(async () => {
    ({ schema, stop: stopSchema } = await loadApiSchema());
  });
  afterAll(() => stopSchema?.());

  async function setup(
    options: {
      view?: Parameters<typeof inMemoryGateway>[1];
      rateLimit?: SubscriptionServerOptions["rateLimit"];
    } = {},
  ) {
    const gateway = inMemoryGateway(schema, options.view);
    const server = await bed.server({
      schema,
      executor: gateway.executor,
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    });
    const client = (params: Record<string, unknown>) =>
      resources.add(liveClient(server.url, params), (c) => c.dispose());
    const listening = (context: string, n: number) =>
      waitFor(`${n} ${context} subscribers`, () => server.hub.listenerCount(context) === n);
    /** An order of `customerId` the in-memory subgraphs know. */
    const anOrderOf = (customerId: string) => {
      const orderId = newId();
      gateway.entities.order.set(orderId, {
        id: orderId,
        status: "CONFIRMED",
        customer: { id: customerId, email: `${unique("c")}@example.com` },
      });
      return { orderId, customerId };
    };
    const emailOf = (orderId: string) =>
      (gateway.entities.order.get(orderId)!.customer as { email: string }).email;
    return { ...server, gateway, client, listening, anOrderOf, emailOf };
  }

  /** The one result of a refused subscription: its errors' codes, once it has ended. */
  async function refusal(sub: ReturnType<typeof collect>) {
    await sub.until(() => sub.state.ended, 5_000, "the refusal");
    expect(sub.results, JSON.stringify(describeError(sub.state.error))).toHaveLength(1);
    return sub.results[0]!.errors?.map((e) => e.extensions?.code);
  }

  it("refuses a subscriber the table does not let in: UNAUTHENTICATED when anonymous, FORBIDDEN when signed in, before checking arguments", async () => {
    const { client, hub, gateway } = await setup();
    const cases: [string, Record<string, unknown>, string, string][] = [
      ["anonymous, orders", {}, ANY_ORDER, "UNAUTHENTICATED"],
      ["anonymous, stock", {}, ANY_STOCK, "UNAUTHENTICATED"],
      // Refused before its argument is looked at: an anonymous caller learns nothing from it.
      [
        "anonymous, a bad order id",
        {},
        `subscription { orderStatusChanged(orderId: "42") { status } }`,
        "UNAUTHENTICATED",
      ],
      ["a service, orders", { actor: "svc", roles: [] }, ANY_ORDER, "FORBIDDEN"],
      ["inventory manager, orders", staff("inventory_manager"), ANY_ORDER, "FORBIDDEN"],
      ["catalogue manager, orders", staff("catalogue_manager"), ANY_ORDER, "FORBIDDEN"],
      ["catalogue manager, stock", staff("catalogue_manager"), ANY_STOCK, "FORBIDDEN"],
      ["finance, stock", staff("finance"), ANY_STOCK, "FORBIDDEN"],
      ["support, stock", staff("support"), ANY_STOCK, "FORBIDDEN"],
      ["a customer, stock", customer("ada"), ANY_STOCK, "FORBIDDEN"],
    ];
    for (const [what, params, query, code] of cases) {
      const codes = await refusal(collect(client(params), query));
      expect(codes, what).toEqual([code]);
    }
    expect(hub.listenerCount("ordering") + hub.listenerCount("inventory")).toBe(0);
    expect(gateway.requests).toEqual([]);
  });

  it("lets in whom the table lets in: stock for inventory managers and fulfilment, orders for customers, fulfilment, finance and support, admin both", async () => {
    const { client, append, listening, anOrderOf } = await setup();
    const ada = customer("ada");
    const order = anOrderOf(ada.customerId);
    const stock = stockIds();
    const orderWatchers = [
      ada,
      staff("fulfilment"),
      staff("finance"),
      staff("support"),
      staff("admin"),
    ];
    const stockWatchers = [staff("inventory_manager"), staff("fulfilment"), staff("admin")];
    const orders = orderWatchers.map((p) =>
      collect<Change>(client(p), BY_ORDER, { id: order.orderId }),
    );
    const stocks = stockWatchers.map((p) => collect(client(p), ANY_STOCK));
    await listening("ordering", orders.length);
    await listening("inventory", stocks.length);
    await append("ordering", [
      orderEvent("OrderPaid", order, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    await append("inventory", [stockEvent("StockReceived", stock, levels(0), levels(5))]);
    for (const s of orders) {
      const [r] = await s.until((rs) => rs.length === 1, 5_000, "the order event");
      expect(r?.data?.orderStatusChanged.status).toBe("PAID");
    }
    for (const s of stocks) {
      const [r] = await s.until((rs) => rs.length === 1, 5_000, "the stock event");
      expect(r).toEqual({ data: { stockLevelChanged: { event: "StockReceived" } } });
    }
  });

  it("hands a customer only their own orders' events, with or without arguments, replay included; staff every one", async () => {
    const { client, append, listening, anOrderOf, emailOf, gateway } = await setup();
    const ada = customer("ada");
    const bob = customer("bob");
    const a = anOrderOf(ada.customerId);
    const b = anOrderOf(bob.customerId);
    const support = staff("support");
    const adaConnection = client(ada);
    const subs = {
      adaAll: collect<Change>(adaConnection, ANY_ORDER),
      adaByOrder: collect<Change>(adaConnection, BY_ORDER, { id: a.orderId }),
      adaByCustomer: collect<Change>(adaConnection, BY_CUSTOMER, { id: ada.customerId }),
      // Naming another customer's order or customer: what an unknown one gets, i.e. nothing.
      adaBobsOrder: collect<Change>(adaConnection, BY_ORDER, { id: b.orderId }),
      adaBobAsCustomer: collect<Change>(adaConnection, BY_CUSTOMER, { id: bob.customerId }),
      adaUnknownOrder: collect<Change>(adaConnection, BY_ORDER, { id: newId() }),
      bobAll: collect<Change>(client(bob), ANY_ORDER),
      // Signed in as a customer but not registered yet: owns nothing.
      unregistered: collect<Change>(
        client({ actor: unique("ext-new"), roles: ["customer"] }),
        ANY_ORDER,
      ),
      // Staff whose role does not let them in, who also shop: let in as the customer they are.
      shoppingStockKeeper: collect<Change>(
        client({ ...staff("inventory_manager", "customer"), customerId: bob.customerId }),
        ANY_ORDER,
      ),
      supportAll: collect<Change>(client(support), ANY_ORDER),
      supportBobsOrder: collect<Change>(client(support), BY_ORDER, { id: b.orderId }),
    };
    await listening("ordering", Object.keys(subs).length);
    // Bob's events first, Ada's last: once Ada has her last one, every subscriber has been
    // handed (or spared) Bob's.
    await append("ordering", [
      orderEvent("OrderPaid", b, { previousStatus: "PAYMENT_PENDING", status: "PAID" }, 2),
      orderEvent("OrderPaid", a, { previousStatus: "PAYMENT_PENDING", status: "PAID" }, 2),
      orderEvent("OrderShipmentRecorded", b, { previousStatus: "PAID", status: "SHIPPED" }, 3),
      orderEvent("OrderShipmentRecorded", a, { previousStatus: "PAID", status: "SHIPPED" }, 3),
    ]);
    const seen = async (sub: ReturnType<typeof collect<Change>>, n: number) => {
      const rs = await sub.until((r) => r.length >= n, 5_000, `${n} events`);
      expect(
        rs.every((r) => r.errors === undefined),
        JSON.stringify(rs),
      ).toBe(true);
      return rs.map((r) => r.data!.orderStatusChanged);
    };
    const own = (changes: Change["orderStatusChanged"][]) =>
      changes.map((c) => [c.order.id, c.status, c.order.customer.email]);
    const adas = [
      [a.orderId, "PAID", emailOf(a.orderId)],
      [a.orderId, "SHIPPED", emailOf(a.orderId)],
    ];
    const bobs = [
      [b.orderId, "PAID", emailOf(b.orderId)],
      [b.orderId, "SHIPPED", emailOf(b.orderId)],
    ];
    expect(own(await seen(subs.supportAll, 4))).toEqual([bobs[0], adas[0], bobs[1], adas[1]]);
    expect(own(await seen(subs.supportBobsOrder, 2))).toEqual(bobs);
    expect(own(await seen(subs.bobAll, 2))).toEqual(bobs);
    expect(own(await seen(subs.shoppingStockKeeper, 2))).toEqual(bobs);
    expect(own(await seen(subs.adaByOrder, 2))).toEqual(adas);
    expect(own(await seen(subs.adaByCustomer, 2))).toEqual(adas);
    const adaAll = await seen(subs.adaAll, 2);
    expect(own(adaAll)).toEqual(adas);
    for (const name of [
      "adaBobsOrder",
      "adaBobAsCustomer",
      "adaUnknownOrder",
      "unregistered",
    ] as const) {
      expect(subs[name].results, name).toEqual([]);
      expect(subs[name].state, name).toEqual({ ended: false, error: undefined });
    }
    // Nothing of Bob's was fetched for Ada.
    const fetchedFor = (actor: string) =>
      new Set(
        gateway
          .entityFetches()
          .filter((r) => r.actor === actor)
          .map((r) => r.variables.__liveEntityId),
      );
    expect(fetchedFor(`customer:${ada.actor}`)).toEqual(new Set([a.orderId]));
    expect(fetchedFor(`customer:${bob.actor}`)).toEqual(new Set([b.orderId]));

    // Resuming replays the stream through the same filter: after Bob's first event, Ada gets her
    // two, support all three.
    const after = subs.supportAll.results[0]!.data!.orderStatusChanged.cursor;
    const adaAgain = collect<Change>(client(ada), ANY_ORDER, { after });
    const supportAgain = collect<Change>(client(support), ANY_ORDER, { after });
    expect(own(await seen(supportAgain, 3))).toEqual([adas[0], bobs[1], adas[1]]);
    expect(own(await seen(adaAgain, 2))).toEqual(adas);
    expect(adaAgain.results).toHaveLength(2);
  });

  it("fetches entity fields as each subscriber and shares executions only between subscribers of one principal", async () => {
    // Subgraphs answer each principal its own view (roles and ownership); here the view is
    // marked with who asked, so a result shared across principals would show.
    const view = (entity: Record<string, unknown>, principal: Principal) => ({
      ...entity,
      customer: { email: `${principal.sub}@view.example` },
    });
    const { client, append, listening, anOrderOf, gateway, live } = await setup({ view });
    const order = anOrderOf(newId());
    const [finance, support] = [staff("finance"), staff("support")];
    const subscribers = [finance, finance, finance, support, support].map((p) => ({
      who: p.actor,
      sub: collect<Change>(client(p), BY_ORDER, { id: order.orderId }),
    }));
    await listening("ordering", subscribers.length);
    const executionsBefore = live.shared.executions;
    await append("ordering", [
      orderEvent("OrderPaid", order, { previousStatus: "PAYMENT_PENDING", status: "PAID" }, 2),
    ]);
    for (const { who, sub } of subscribers) {
      const [r] = await sub.until((rs) => rs.length === 1, 5_000, "the event");
      expect(r?.data?.orderStatusChanged.order.customer.email).toBe(`${who}@view.example`);
    }
    // One fetch and one execution per principal, not per subscriber, and never one for both.
    expect(
      gateway
        .entityFetches()
        .map((r) => r.actor)
        .sort(),
    ).toEqual([`staff:${finance.actor}`, `staff:${support.actor}`].sort());
    expect(live.shared.executions - executionsBefore).toBe(2);
  });

  it("closes a connection with 4403 when its token expires, and refuses one whose token already has", async () => {
    const { url, listening, hub, live } = await setup();
    const LIFETIME_MS = 1_000;
    const socket = await rawSocket(url, { ...staff("fulfilment"), expiresInMs: LIFETIME_MS });
    await socket.acked();
    socket.send({ id: "s1", type: "subscribe", payload: { query: ANY_STOCK } });
    await listening("inventory", 1);
    const closed = await socket.closed(LIFETIME_MS + 10_000);
    expect({ code: closed.code, reason: closed.reason }).toEqual({
      code: 4403,
      reason: "Token expired",
    });
    // Not before the token's end (set when the server read connection_init, after initAt).
    expect(closed.at - socket.initAt).toBeGreaterThanOrEqual(LIFETIME_MS);
    await waitFor("the subscription to be released", () => hub.listenerCount("inventory") === 0);
    await waitFor("the connection to be forgotten", () => live.connections === 0);

    const expired = await rawSocket(url, { ...staff("fulfilment"), expiresInMs: -1 });
    expect(await expired.closed()).toMatchObject({ code: 4403, reason: "Forbidden" });
    expect(expired.messages).toEqual([]);
  });

  it("charges connections and subscribes to the principal's budget: over it, a subscribe gets RATE_LIMITED and a connection is closed with 4429", async () => {
    const limiter = createRateLimiter({
      redis: bed.connection(),
      prefix: unique("rl"),
      config: { enabled: true, perMinute: 3, anonymousPerMinute: 1 },
      logger,
    });
    const { url, client, listening } = await setup({ rateLimit: limiter.ws });
    const greedy = staff("fulfilment");
    const c = client(greedy); // 1: the connection
    const held = [collect(c, ANY_STOCK), collect(c, ANY_STOCK)]; // 2, 3
    await listening("inventory", 2);
    const over = collect(c, ANY_STOCK);
    await over.until(() => over.state.ended, 5_000, "the refusal");
    expect(over.state.error).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Too many requests; retry in \d+ s$/),
        extensions: { code: "RATE_LIMITED", retryAfter: expect.any(Number) },
      }),
    ]);
    expect(held.every((h) => !h.state.ended)).toBe(true);

    const again = await rawSocket(url, greedy);
    const closed = await again.closed();
    expect(closed.code).toBe(4429);
    expect(closed.reason).toMatch(/^Too many requests; retry in \d+ s$/);
    expect(again.messages).toEqual([]);

    // Another principal draws on a budget of its own.
    const other = collect(client(staff("fulfilment")), ANY_STOCK);
    await listening("inventory", 3);
    expect(other.state.ended).toBe(false);
  });
});
