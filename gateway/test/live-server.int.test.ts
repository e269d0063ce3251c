import { principalOf } from "@shopstream/auth";
import { unique } from "@shopstream/testing";
import { waitFor } from "@shopstream/testing/kit";
import type { GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { GatewayExecutor } from "../src/live/entity-fetch.ts";
import type { Authenticate, SubscriptionLimits } from "../src/live/subscription-server.ts";
import { collect, describeError, type LiveResult, liveClient, wsUrlOf } from "./live-client.ts";
import { levels, orderEvent, orderIds, stockEvent, stockIds } from "./live-fixtures.ts";
import { inMemoryGateway, liveTestBed, loadApiSchema } from "./live-harness.ts";

const bed = liveTestBed();
const { resources } = bed;

describe("startSubscriptionServer (graphql-ws over a real socket)", () => {
  let schema: GraphQLSchema;
  let gatewayExecutor: GatewayExecutor;
  let stopSchema: () => Promise<void>;
  beforeAll(async () => {
    ({ schema, executor: gatewayExecutor, stop: stopSchema } = await loadApiSchema());
  });
  afterAll(() => stopSchema?.());

  /** A server with its own prefix and in-memory gateway, and a client factory for it. */
  async function setup(
    options: { limits?: Partial<SubscriptionLimits>; authenticate?: Authenticate } = {},
  ) {
    const gateway = inMemoryGateway(schema);
    const server = await bed.server({ schema, executor: gateway.executor, ...options });
    /** A client signed in (by default) as staff who may subscribe to every field. */
    const client = (params: Record<string, unknown> = { actor: "dashboard" }) =>
      resources.add(liveClient(server.url, params), (c) => c.dispose());
    /** Resolves once `n` subscribers of `context` are listening on the server's hub. */
    const listening = (context: string, n: number) =>
      waitFor(`${n} ${context} subscribers`, () => server.hub.listenerCount(context) === n);
    return { ...server, gateway, client, listening };
  }

  function anOrder(gateway: ReturnType<typeof inMemoryGateway>, status = "CONFIRMED") {
    const ids = orderIds();
    gateway.entities.order.set(ids.orderId, {
      id: ids.orderId,
      status,
      customer: { id: ids.customerId, email: `${unique("c")}@example.com` },
      payments: [{ status: "SUCCEEDED", amount: { amount: 2500, currency: "EUR" } }],
    });
    return ids;
  }

  const ORDER_STATUS = `subscription($id: ID) {
    orderStatusChanged(orderId: $id) { status order { id status customer { email } } }
  }`;

  it("refuses a connection its authenticate hook rejects or fails on with 4403, and passes the principal's actor on", async () => {
    const seen: { params: Record<string, unknown>; url: string | undefined }[] = [];
    const { client, append, gateway, listening } = await setup({
      authenticate: (params, request) => {
        seen.push({ params, url: request.url });
        if (params.token === "bad") return null;
        if (params.token === "boom") throw new Error("token service down");
        return principalOf(`user-${String(params.token)}`, ["fulfilment"]);
      },
    });
    for (const token of ["bad", "boom"]) {
      const refused = collect(client({ token }), ORDER_STATUS);
      await refused.until(() => refused.state.ended, 5_000, "the refusal");
      expect(describeError(refused.state.error)).toEqual({ code: 4403, reason: "Forbidden" });
    }

    const ids = anOrder(gateway);
    const sub = collect<{ orderStatusChanged: { order: { id: string } } }>(
      client({ token: "alice" }),
      ORDER_STATUS,
      { id: ids.orderId },
    );
    await listening("ordering", 1);
    await append("ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    const [result] = await sub.until((rs) => rs.length === 1, 5_000, "the event");
    expect(result).toEqual({
      data: { orderStatusChanged: expect.objectContaining({ status: "PAID" }) },
    });
    expect(gateway.entityFetches().map((r) => r.actor)).toEqual(["staff:user-alice"]);
    expect(seen.map((s) => [s.params.token, s.url])).toEqual([
      ["bad", "/graphql"],
      ["boom", "/graphql"],
      ["alice", "/graphql"],
    ]);
  });

  it("fetches each event's entity once for every subscriber with the same selection and actor", async () => {
    const { client, append, gateway, listening } = await setup();
    const ids = anOrder(gateway);
    const same = Array.from({ length: 10 }, () => client({ actor: "dashboard" })).flatMap((c) =>
      Array.from({ length: 5 }, () =>
        collect<{ orderStatusChanged: { status: string } }>(c, ORDER_STATUS, { id: ids.orderId }),
      ),
    );
    await listening("ordering", 50);
    const statuses = ["PAYMENT_PENDING", "PAID", "PROCESSING"];
    await append(
      "ordering",
      statuses.map((status, i) => orderEvent("OrderStatusTestChange", ids, { status }, i + 2)),
    );
    for (const s of same) {
      const rs = await s.until((r) => r.length === 3, 5_000, "three events");
      expect(rs.map((r) => r.data?.orderStatusChanged.status)).toEqual(statuses);
    }
    expect(gateway.entityFetches()).toHaveLength(3);

    // Another actor may see another view of the order: its own fetch. So may another selection.
    const other = collect(client({ actor: "someone-else" }), ORDER_STATUS, { id: ids.orderId });
    const narrower = collect(
      client({ actor: "dashboard" }),
      ORDER_STATUS.replace("customer { email }", ""),
      { id: ids.orderId },
    );
    await listening("ordering", 52);
    await append("ordering", [orderEvent("OrderStatusTestChange", ids, { status: "SHIPPED" }, 5)]);
    await other.until((r) => r.length === 1, 5_000, "the other actor's event");
    await narrower.until((r) => r.length === 1, 5_000, "the narrower selection's event");
    for (const s of same) await s.until((r) => r.length === 4, 5_000, "the fourth event");
    expect(
      gateway
        .entityFetches()
        .slice(3)
        .map((r) => r.actor)
        .sort(),
    ).toEqual(["staff:dashboard", "staff:dashboard", "staff:someone-else"]);
  });

  it("resolves aliases, even ones named like another field, on the event and on its entities", async () => {
    const { client, append, gateway, listening } = await setup();
    const ids = anOrder(gateway);
    const stock = stockIds();
    gateway.entities.productVariant.set(stock.variantId, {
      id: stock.variantId,
      variantSku: "LAMP-1",
      availability: { onHand: 7, reserved: 2, available: 5, inStock: true },
    });
    gateway.entities.stockItem.set(stock.stockItemId, { id: stock.stockItemId, onHand: 7 });
    gateway.entities.warehouse.set(stock.warehouseId, { id: stock.warehouseId, name: "Leeds" });

    const order = collect(
      client(),
      `subscription($id: ID) { orderStatusChanged(orderId: $id) {
        status: event
        event: status
        order { status: id state: status }
        again: order { id: status }
      } }`,
      { id: ids.orderId },
    );
    const levelsOf = collect(
      client(),
      `subscription($v: ID) { stockLevelChanged(variantId: $v) {
        previous { onHand: reserved reserved: onHand available }
        now: current { available }
        variant { sku: variantSku id availability { onHand: available available: onHand } }
        stockItem { onHand: id }
        warehouse { name: id id: name }
      } }`,
      { v: stock.variantId },
    );
    await listening("ordering", 1);
    await listening("inventory", 1);
    await append("ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    await append("inventory", [stockEvent("StockReserved", stock, levels(7, 1), levels(7, 2))]);
    const [o] = await order.until((r) => r.length === 1, 5_000, "the order event");
    expect(o).toEqual({
      data: {
        orderStatusChanged: {
          status: "OrderPaid",
          event: "PAID",
          order: { status: ids.orderId, state: "CONFIRMED" },
          again: { id: "CONFIRMED" },
        },
      },
    });
    const [s] = await levelsOf.until((r) => r.length === 1, 5_000, "the stock event");
    expect(s).toEqual({
      data: {
        stockLevelChanged: {
          previous: { onHand: 1, reserved: 7, available: 6 },
          now: { available: 5 },
          variant: {
            sku: "LAMP-1",
            id: stock.variantId,
            availability: { onHand: 5, available: 7 },
          },
          stockItem: { onHand: stock.stockItemId },
          warehouse: { name: stock.warehouseId, id: "Leeds" },
        },
      },
    });
  });

  it("resolves fragments and variables inside the entity's selection", async () => {
    const { client, append, gateway, listening } = await setup();
    const ids = anOrder(gateway);
    const query = `subscription($id: ID!, $withCustomer: Boolean!, $first: Int) {
      orderStatusChanged(orderId: $id) { ...Change }
    }
    fragment Change on OrderStatusChange { status order { ...OrderBits } }
    fragment OrderBits on Order {
      id
      customer @include(if: $withCustomer) { ...Buyer }
      ... on Order { payments { status } }
    }
    fragment Buyer on Customer { email orders(first: $first) { totalCount } }`;
    const customer = gateway.entities.order.get(ids.orderId)!.customer as Record<string, unknown>;
    customer.orders = { totalCount: 3 };
    const withCustomer = collect(client(), query, {
      id: ids.orderId,
      withCustomer: true,
      first: 2,
    });
    const without = collect(client(), query, { id: ids.orderId, withCustomer: false });
    await listening("ordering", 2);
    await append("ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    const payments = [{ status: "SUCCEEDED" }];
    expect((await withCustomer.until((r) => r.length === 1, 5_000, "the event"))[0]).toEqual({
      data: {
        orderStatusChanged: {
          status: "PAID",
          order: {
            id: ids.orderId,
            customer: { email: customer.email, orders: { totalCount: 3 } },
            payments,
          },
        },
      },
    });
    expect((await without.until((r) => r.length === 1, 5_000, "the event"))[0]).toEqual({
      data: { orderStatusChanged: { status: "PAID", order: { id: ids.orderId, payments } } },
    });
    const fetched = gateway.entityFetches().find((r) => r.variables.withCustomer === true);
    expect(fetched?.variables).toEqual({
      __liveEntityId: ids.orderId,
      withCustomer: true,
      first: 2,
    });
  });

  /** A bare graphql-transport-ws connection, acknowledged, recording what the server sends. */
  async function rawSocket(url: string, options: { autoPong?: boolean } = {}) {
    const socket = resources.add(
      new WebSocket(wsUrlOf(url), "graphql-transport-ws", { autoPong: options.autoPong ?? true }),
      (s) => s.terminate(),
    );
    let close: { code: number; reason: string } | undefined;
    socket.once("close", (code, reason) => {
      close = { code, reason: String(reason) };
    });
    /** How the server closed the socket (waiting for it, with a deadline). */
    const closed = async () => {
      await waitFor("the socket to be closed", () => close !== undefined);
      return close;
    };
    const messages: { type: string; id?: string; payload?: unknown }[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    let pings = 0;
    socket.on("ping", () => pings++);
    await new Promise((r) => socket.once("open", r));
    socket.send(JSON.stringify({ type: "connection_init", payload: { actor: "raw" } }));
    await waitFor("the ack", () => messages.some((m) => m.type === "connection_ack"));
    const send = (message: Record<string, unknown>) => socket.send(JSON.stringify(message));
    return { socket, closed, messages, send, pings: () => pings };
  }

  it("closes a connection idle for idleTimeoutMs, but not while it holds a subscription", async () => {
    const { url, live, hub, append, gateway, listening } = await setup({
      limits: { idleTimeoutMs: 400 },
    });
    const idle = await rawSocket(url);
    const busy = await rawSocket(url);
    const ids = anOrder(gateway);
    busy.send({
      id: "s1",
      type: "subscribe",
      payload: { query: ORDER_STATUS, variables: { id: ids.orderId } },
    });
    await listening("ordering", 1);
    expect(await idle.closed()).toEqual({ code: 1000, reason: "Idle timeout" });

    // Idle periods pass with the subscription held: that connection stays. A connection opened
    // as each period starts, and closed for idleness, shows that the period has passed.
    for (let i = 0; i < 2; i++) {
      const witness = await rawSocket(url);
      expect(await witness.closed()).toEqual({ code: 1000, reason: "Idle timeout" });
      const status = ["PAID", "PROCESSING"][i];
      await append("ordering", [orderEvent("OrderStatusTestChange", ids, { status }, i + 2)]);
      await waitFor(
        `event ${i}`,
        () => busy.messages.filter((m) => m.type === "next").length === i + 1,
      );
    }
    expect(busy.socket.readyState).toBe(WebSocket.OPEN);
    busy.send({ id: "s1", type: "complete" });
    expect(await busy.closed()).toEqual({ code: 1000, reason: "Idle timeout" });
    await waitFor("the connections to be forgotten", () => live.connections === 0);
    expect(live.operations).toBe(0);
    expect(hub.listenerCount("ordering")).toBe(0);
  });

  it("drops a peer that stops answering pings, and releases its subscriptions", async () => {
    const { url, live, hub, gateway, listening } = await setup({ limits: { keepAliveMs: 300 } });
    const ids = anOrder(gateway);
    const subscribe = {
      type: "subscribe",
      payload: { query: ORDER_STATUS, variables: { id: ids.orderId } },
    };
    const gone = await rawSocket(url, { autoPong: false });
    const alive = await rawSocket(url);
    gone.send({ id: "s1", ...subscribe });
    alive.send({ id: "s1", ...subscribe });
    await listening("ordering", 2);
    expect((await gone.closed())?.code).toBe(1006); // terminated, no closing handshake
    await listening("ordering", 1);
    expect(live.connections).toBe(1);
    // Several ping intervals later the answering peer is still connected: each ping after the
    // first is sent only once the server has had the answer to the one before.
    const answered = alive.pings();
    await waitFor("three more pings", () => alive.pings() >= answered + 3);
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    expect(hub.listenerCount("ordering")).toBe(1);
  });

  it("refuses a connection's subscription beyond the cap, keeping the others running", async () => {
    const { client, append, gateway, listening } = await setup({
      limits: { maxSubscriptionsPerConnection: 3 },
    });
    const ids = anOrder(gateway);
    const c = client();
    const held = Array.from({ length: 3 }, () => collect(c, ORDER_STATUS, { id: ids.orderId }));
    await listening("ordering", 3);
    const extra = collect(c, ORDER_STATUS, { id: ids.orderId });
    await extra.until(() => extra.state.ended, 5_000, "the refusal");
    expect(extra.state.error).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("already holds 3 subscriptions"),
        extensions: { code: "TOO_MANY_SUBSCRIPTIONS", limit: 3 },
      }),
    ]);
    // Another connection has a cap of its own.
    const elsewhere = collect(client(), ORDER_STATUS, { id: ids.orderId });
    await listening("ordering", 4);
    await append("ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    for (const h of [...held, elsewhere]) {
      await h.until((r) => r.length === 1, 5_000, "the event");
      expect(h.state.ended).toBe(false);
    }
  });

  it("counts only active subscriptions against the cap: completed and failed ones free their slot", async () => {
    const { client, hub, append, gateway, listening } = await setup({
      limits: { maxSubscriptionsPerConnection: 2 },
    });
    const ids = anOrder(gateway);
    const c = client();
    // Refused subscriptions (a bad argument, a bad cursor) end at once and hold nothing.
    for (const variables of [{ id: "42" }, { id: ids.orderId, after: "bm9wZQ" }]) {
      const bad = collect(
        c,
        `subscription($id: ID, $after: String) { orderStatusChanged(orderId: $id, after: $after) { status } }`,
        variables,
      );
      await bad.until(() => bad.state.ended, 5_000, "the refusal");
      expect(bad.results[0]?.errors?.[0]?.extensions?.code).toBe("VALIDATION_FAILED");
    }
    // The stock one is its context's only subscriber: ending it takes a Redis round trip.
    const first = collect(c, `subscription { stockLevelChanged { event } }`);
    const second = collect(c, ORDER_STATUS, { id: ids.orderId });
    await listening("inventory", 1);
    await listening("ordering", 1);
    // Complete one and, in the same breath, take its slot.
    first.unsubscribe();
    const third = collect(c, ORDER_STATUS, { id: ids.orderId });
    await waitFor(
      "the third subscription to be taken or refused",
      () => third.state.ended || hub.listenerCount("ordering") === 2,
    );
    expect(describeError(third.state.error)).toBeUndefined();
    expect(hub.listenerCount("inventory")).toBe(0);
    await append("ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    for (const s of [second, third]) await s.until((r) => r.length === 1, 5_000, "the event");
    expect(third.state).toEqual({ ended: false, error: undefined });
    expect(first.results).toEqual([]);
  });

  it("runs queries and mutations sent over the socket through the gateway executor", async () => {
    const { client, gateway } = await setup();
    const ids = anOrder(gateway);
    const c = client({ actor: "ops" });
    const once = <T>(query: string, variables: Record<string, unknown>, operationName?: string) =>
      new Promise<LiveResult<T>>((resolve, reject) => {
        let result: LiveResult<T> | undefined;
        c.subscribe<T>(
          { query, variables, ...(operationName ? { operationName } : {}) },
          {
            next: (value) => {
              result = value as LiveResult<T>;
            },
            error: (error) => reject(new Error(JSON.stringify(describeError(error)))),
            complete: () => resolve(result!),
          },
        );
      });

    const query = `query Status($id: ID!) { order(id: $id) { state: status } }`;
    expect(await once(query, { id: ids.orderId })).toEqual({
      data: { order: { state: "CONFIRMED" } },
    });
    const mutation = `mutation Cancel($id: ID!) { cancelOrder(id: $id, reason: "test") { id status } }`;
    expect(await once(mutation, { id: ids.orderId })).toEqual({
      data: { cancelOrder: { id: ids.orderId, status: "CANCELLED" } },
    });
    // A document of several operations runs the one named.
    expect(await once(`${query}\n${mutation}`, { id: ids.orderId }, "Status")).toEqual({
      data: { order: { state: "CANCELLED" } },
    });
    // The gateway's errors come back as it shaped them.
    const missing = await once(mutation, { id: orderIds().orderId });
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");

    expect(gateway.requests.map((r) => [r.actor, r.variables])).toEqual(
      Array(4).fill(["staff:ops", expect.objectContaining({ id: expect.any(String) })]),
    );
    expect(gateway.requests[0]!.query).toBe(query);
    expect(gateway.requests[2]!.operationName).toBe("Status");

    // The gateway's own executor (what main.ts passes) runs the named operation too.
    const both = "query A { a: __typename } query B { b: __typename }";
    expect(
      await gatewayExecutor({
        query: both,
        variables: {},
        operationName: "B",
        principal: principalOf("ops", []),
      }),
    ).toEqual({ data: { b: "Query" } });
  });
});
