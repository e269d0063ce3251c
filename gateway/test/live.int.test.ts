import { DomainError } from "@shopstream/errors";
import type { LiveEvent } from "@shopstream/live";
import type { DomainEvent } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import type { GraphQLSchema } from "graphql";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { decodeLiveCursor } from "../src/live/cursor.ts";
import type { GatewayExecutor } from "../src/live/entity-fetch.ts";
import type { LiveHub } from "../src/live/hub.ts";
import { openLiveStream } from "../src/live/live-stream.ts";
import { orderStatusChanged } from "../src/live/sources.ts";
import type { Authenticate, SubscriptionLimits } from "../src/live/subscription-server.ts";
import { collect, describeError, type LiveResult, liveClient, wsUrlOf } from "./live-client.ts";
import { levels, orderEvent, orderIds, stockEvent, stockIds } from "./live-fixtures.ts";
import {
  append,
  eventually,
  inMemoryGateway,
  livePrefix,
  loadApiSchema,
  Resources,
  redisConnection,
  startHub,
  startLiveServer,
  subscribers,
} from "./live-harness.ts";

const resources = new Resources();
afterEach(() => resources.closeAll());

/** Each test's own plain connection, for appending and inspecting. */
const admin = () => redisConnection(resources);

/** `n` status changes of one order (every one passes orderStatusChanged's filter). */
function orderChanges(n: number, ids = orderIds()): DomainEvent[] {
  return Array.from({ length: n }, (_, i) =>
    orderEvent(
      "OrderStatusTestChange",
      ids,
      { previousStatus: `S${i}`, status: `S${i + 1}` },
      i + 1,
    ),
  );
}

/** A hub listener that records the stream ids it is given. */
function recorder() {
  const ids: string[] = [];
  const listener = (events: readonly LiveEvent[]) => {
    for (const e of events) ids.push(e.cursor);
  };
  return { ids, listener };
}

describe("LiveHub", () => {
  it("holds one Redis subscription per context however many listen, and gives each listener every event in order", async () => {
    const redis = admin();
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix);
    const before = await append(redis, prefix, "ordering", orderChanges(3));

    const listeners = Array.from({ length: 100 }, recorder);
    const positions = await Promise.all(listeners.map((l) => hub.listen("ordering", l.listener)));
    expect(new Set(positions.map((p) => p.position))).toEqual(new Set([before[2]]));
    expect(await subscribers(redis, prefix, "ordering")).toBe(1);
    expect(hub.subscribedChannels).toBe(1);

    const stock = recorder();
    await hub.listen("inventory", stock.listener);
    expect(await subscribers(redis, prefix, "inventory")).toBe(1);
    expect(await subscribers(redis, prefix, "ordering")).toBe(1);

    const ids: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      ids.push(...(await append(redis, prefix, "ordering", orderChanges(1 + batch))));
    }
    await eventually(() => listeners.every((l) => l.ids.length >= ids.length), "every event");
    for (const l of listeners) expect(l.ids).toEqual(ids);
    expect(stock.ids).toEqual([]);

    for (const l of listeners.slice(1)) await hub.unlisten("ordering", l.listener);
    expect(await subscribers(redis, prefix, "ordering")).toBe(1);
    await hub.unlisten("ordering", listeners[0]!.listener);
    expect(await subscribers(redis, prefix, "ordering")).toBe(0);
    expect(hub.listenerCount("ordering")).toBe(0);
    expect(await subscribers(redis, prefix, "inventory")).toBe(1);
    await hub.unlisten("inventory", stock.listener);
    expect(await subscribers(redis, prefix, "inventory")).toBe(0);
    expect(hub.subscribedChannels).toBe(0);
  });

  it("keeps a listener that joins while the last one leaves subscribed and served", async () => {
    const redis = admin();
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix);
    const leaving = recorder();
    await hub.listen("ordering", leaving.listener);

    const joining = recorder();
    // In the same tick: a dashboard reconnects while the previous subscriber goes away.
    const joined = hub.listen("ordering", joining.listener);
    const left = hub.unlisten("ordering", leaving.listener);
    await Promise.all([joined, left]);

    expect(hub.listenerCount("ordering")).toBe(1);
    await eventually(
      async () => (await subscribers(redis, prefix, "ordering")) === 1,
      "the channel to be subscribed",
    );
    const ids = await append(redis, prefix, "ordering", orderChanges(2));
    await eventually(() => joining.ids.length >= 2, "the joining listener's events");
    expect(joining.ids).toEqual(ids);
  });

  it("delivers what was appended while its subscriber connection was down, once it is back", async () => {
    const redis = admin();
    const prefix = livePrefix(resources, redis);
    const subscriber = redisConnection(resources);
    // No safety poll: only the reconnect can catch up here.
    const hub = startHub(resources, prefix, { subscriber, pollMs: 0 });
    const l = recorder();
    await hub.listen("ordering", l.listener);
    const first = await append(redis, prefix, "ordering", orderChanges(2));
    await eventually(() => l.ids.length === 2, "the first events");

    subscriber.disconnect();
    await eventually(() => subscriber.status === "end", "the subscriber to disconnect");
    expect(await subscribers(redis, prefix, "ordering")).toBe(0);
    const missed = await append(redis, prefix, "ordering", orderChanges(3));
    await subscriber.connect();
    await eventually(() => l.ids.length >= 5, "the events appended while disconnected");

    // Re-subscribed: announcements reach it again.
    await eventually(
      async () => (await subscribers(redis, prefix, "ordering")) === 1,
      "the re-subscription",
    );
    const after = await append(redis, prefix, "ordering", orderChanges(2));
    await eventually(() => l.ids.length >= 7, "the events after the reconnect");
    expect(l.ids).toEqual([...first, ...missed, ...after]);
  });

  it("recovers when Redis drops its subscriber connection (CLIENT KILL), missing nothing", async () => {
    const redis = admin();
    const prefix = livePrefix(resources, redis);
    const connectionName = unique("hub");
    const subscriber = redisConnection(resources, { connectionName });
    const hub = startHub(resources, prefix, { subscriber, pollMs: 100 });
    const l = recorder();
    await hub.listen("ordering", l.listener);

    const ids: string[] = [];
    for (let round = 0; round < 3; round++) {
      ids.push(...(await append(redis, prefix, "ordering", orderChanges(2))));
      // The subscriber connection can run no CLIENT command itself; Redis knows it by name.
      const list = String(await redis.call("CLIENT", "LIST", "TYPE", "pubsub"));
      const line = list.split("\n").find((l) => l.includes(` name=${connectionName} `));
      const id = /\bid=(\d+)/.exec(line ?? "")?.[1];
      expect(await redis.client("KILL", "ID", String(id))).toBe(1);
      // Appended while ioredis notices and reconnects (it re-subscribes on its own).
      ids.push(...(await append(redis, prefix, "ordering", orderChanges(3))));
      await eventually(() => l.ids.length >= ids.length, `round ${round}'s events`);
      await eventually(() => subscriber.status === "ready", "the reconnect");
    }
    expect(l.ids).toEqual(ids);
    await eventually(
      async () => (await subscribers(redis, prefix, "ordering")) === 1,
      "the re-subscription",
    );
  });

  it("reads a burst larger than its page size page after page", async () => {
    const redis = admin();
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix, { pageSize: 3, pollMs: 0 });
    const l = recorder();
    await hub.listen("ordering", l.listener);
    const ids = await append(redis, prefix, "ordering", orderChanges(10));
    await eventually(() => l.ids.length >= 10, "the whole burst");
    expect(l.ids).toEqual(ids);
  });

  it("still delivers from the stream on its safety poll when announcements cannot arrive", async () => {
    const redis = admin();
    const prefix = livePrefix(resources, redis);
    const subscriber = redisConnection(resources);
    const hub = startHub(resources, prefix, { subscriber, pollMs: 50 });
    const l = recorder();
    await hub.listen("ordering", l.listener);
    subscriber.disconnect(); // for good: no announcement reaches this hub any more
    await eventually(() => subscriber.status === "end", "the subscriber to disconnect");
    expect(await subscribers(redis, prefix, "ordering")).toBe(0);
    const ids = await append(redis, prefix, "ordering", orderChanges(4));
    await eventually(() => l.ids.length >= 4, "the polled events");
    expect(l.ids).toEqual(ids);
  });
});

describe("openLiveStream", () => {
  /** Reads a stream in the background, recording the stream ids it yields. */
  function drain(stream: AsyncIterableIterator<{ cursor: string }>, context: string) {
    const ids: string[] = [];
    const state = { error: undefined as unknown, ended: false };
    void (async () => {
      try {
        for await (const payload of stream) ids.push(decodeLiveCursor(payload.cursor, context));
      } catch (error) {
        state.error = error;
      } finally {
        state.ended = true;
      }
    })();
    return { ids, state, stop: () => stream.return?.() };
  }

  const open = (
    hub: LiveHub,
    reader: Redis,
    prefix: string,
    after: string | null,
    args: Record<string, unknown> = {},
    maxBuffered = 100_000,
  ) =>
    openLiveStream({
      hub,
      reader,
      prefix,
      context: "ordering",
      after,
      select: orderStatusChanged.filter(args),
      maxBuffered,
    });

  it("resumes at any earlier cursor while events keep coming, with no gap and no duplicate, then stays live", async () => {
    const redis = admin();
    const reader = redisConnection(resources);
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix, { reader });
    const a = orderIds();
    const b = orderIds();

    // The writer: 2,000 events of two orders, in the relay's small batches, as fast as Redis
    // takes them, while streams open at cursors behind it.
    const written: { id: string; orderId: string }[] = [];
    const writer = (async () => {
      for (let i = 0; i < 250; i++) {
        const batch = [...orderChanges(4, a), ...orderChanges(4, b)];
        const ids = await append(redis, prefix, "ordering", batch);
        for (const [j, id] of ids.entries()) {
          written.push({ id, orderId: j < 4 ? a.orderId : b.orderId });
        }
      }
    })();

    const opened: { after: string | null; only?: string; read: ReturnType<typeof drain> }[] = [];
    for (const [n, [at, back]] of [
      [40, 0],
      [300, 299],
      [700, 1],
      [1100, 600],
      [1500, 64],
      [1900, 1000],
    ].entries()) {
      await eventually(() => written.length >= at!, `${at} events written`, 10_000);
      const after = written[written.length - 1 - back!]!.id;
      opened.push({ after, read: drain(await open(hub, reader, prefix, after), "ordering") });
      const only = n % 2 === 0 ? a.orderId : b.orderId;
      const filtered = await open(hub, reader, prefix, after, { orderId: only });
      opened.push({ after, only, read: drain(filtered, "ordering") });
    }
    const fromNow = drain(await open(hub, reader, prefix, null), "ordering");
    await writer;
    expect(written.length).toBe(2000);

    // Live after the writer stopped: one more batch.
    const tail = await append(redis, prefix, "ordering", [
      ...orderChanges(2, a),
      ...orderChanges(2, b),
    ]);
    for (const [j, id] of tail.entries()) {
      written.push({ id, orderId: j < 2 ? a.orderId : b.orderId });
    }
    const last = written[written.length - 1]!.id;

    for (const { after, only, read } of opened) {
      const expected = written
        .slice(written.findIndex((w) => w.id === after) + 1)
        .filter((w) => !only || w.orderId === only)
        .map((w) => w.id);
      await eventually(
        () => read.ids.length >= expected.length || read.state.ended,
        `the events after ${after}`,
      );
      expect(read.state.error).toBeUndefined();
      expect(read.ids).toEqual(expected);
    }
    // From now: a gap-free, duplicate-free suffix of the stream, up to the last event.
    await eventually(() => fromNow.ids.at(-1) === last, "the live tail");
    const start = written.findIndex((w) => w.id === fromNow.ids[0]);
    expect(start).toBeGreaterThan(0);
    expect(fromNow.ids).toEqual(written.slice(start).map((w) => w.id));
    for (const { read } of [...opened, { read: fromNow }]) await read.stop();
    expect(hub.listenerCount("ordering")).toBe(0);
  }, 20_000);

  it("refuses a cursor older than the retained history with CURSOR_EXPIRED, and leaves no listener", async () => {
    const redis = admin();
    const reader = redisConnection(resources);
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix, { reader });
    const ids: string[] = [];
    // A history of 10 (trimmed approximately: Redis drops whole nodes of ~100 entries).
    for (let i = 0; i < 6; i++)
      ids.push(...(await append(redis, prefix, "ordering", orderChanges(50), 10)));
    expect(await redis.xlen(`${prefix}:live:ordering`)).toBeLessThan(300);

    const refusal = await open(hub, reader, prefix, ids[0]!).then(
      () => new Error("an expired cursor was accepted"),
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe("CURSOR_EXPIRED");
    expect((refusal as DomainError).message).toMatch(/older than the retained live history/);
    expect(hub.listenerCount("ordering")).toBe(0);

    // A retained cursor is fine.
    const stream = await open(hub, reader, prefix, ids[ids.length - 2]!);
    const next = await stream.next();
    expect(decodeLiveCursor((next.value as { cursor: string }).cursor, "ordering")).toBe(
      ids.at(-1),
    );
    await stream.return?.();
    expect(hub.listenerCount("ordering")).toBe(0);
  });

  it("refuses rather than skips when the history is trimmed past the cursor during the replay", async () => {
    const redis = admin();
    const reader = redisConnection(resources);
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix, { reader });
    const ids = await append(redis, prefix, "ordering", orderChanges(20));
    // The relay's MAXLEN trim lands just before the replay reads the entries after the cursor:
    // the cursor and the nine entries after it go (a reader that checked the cursor before
    // reading would now skip them silently).
    let trimmed = false;
    const racing = new Proxy(reader, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== "xrange") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<Redis["xrange"]>) => {
          if (!trimmed && String(args[1]).startsWith("(")) {
            trimmed = true;
            await redis.xtrim(`${prefix}:live:ordering`, "MINID", ids[10]!);
          }
          return target.xrange(...args);
        };
      },
    });
    const outcome = await open(hub, racing, prefix, ids[5]!).then(
      async (stream) => {
        const first = await stream.next();
        await stream.return?.();
        return decodeLiveCursor((first.value as { cursor: string }).cursor, "ordering");
      },
      (error: unknown) => (error instanceof DomainError ? error.code : error),
    );
    expect(trimmed).toBe(true);
    expect(outcome).toBe("CURSOR_EXPIRED");
  });

  it("ends a subscriber that falls more than maxBuffered events behind, and unlistens it", async () => {
    const redis = admin();
    const reader = redisConnection(resources);
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix, { reader });
    const idle = await open(hub, reader, prefix, null, {}, 5);
    const keepingUp = await open(hub, reader, prefix, null, {}, 5);
    expect(hub.listenerCount("ordering")).toBe(2);

    // Batches of 3: the reader keeps up, the idle one falls 6 behind on the second batch.
    const seen: string[] = [];
    const ids: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      ids.push(...(await append(redis, prefix, "ordering", orderChanges(3))));
      while (seen.length < ids.length) {
        const { value } = await keepingUp.next();
        seen.push(decodeLiveCursor(value!.cursor, "ordering"));
      }
    }
    expect(seen).toEqual(ids);
    expect(hub.listenerCount("ordering")).toBe(1);
    const failure = await idle.next().then(
      () => new Error("the slow subscriber was not ended"),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(DomainError);
    expect((failure as DomainError).code).toBe("SUBSCRIBER_TOO_SLOW");
    await keepingUp.return?.();
    expect(hub.listenerCount("ordering")).toBe(0);
  });

  it("does not count a resumed subscriber's replay as falling behind", async () => {
    const redis = admin();
    const reader = redisConnection(resources);
    const prefix = livePrefix(resources, redis);
    const hub = startHub(resources, prefix, { reader });
    const missed = await append(redis, prefix, "ordering", orderChanges(20));
    // Resumes 19 events back with room for 5: a reader that keeps up with what arrives live is
    // not too slow, however long the replay it was handed.
    const stream = await open(hub, reader, prefix, missed[0]!, {}, 5);
    const dispatched = recorder(); // the hub hands every batch to all its listeners at once
    await hub.listen("ordering", dispatched.listener);
    const expected = missed.slice(1);
    const seen: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      expected.push(...(await append(redis, prefix, "ordering", orderChanges(3))));
      await eventually(() => dispatched.ids.length === 3 * (batch + 1), "the batch");
      while (seen.length < expected.length) {
        const { value } = await stream.next();
        seen.push(decodeLiveCursor(value!.cursor, "ordering"));
      }
    }
    expect(seen).toEqual(expected);
    await stream.return?.();
  });
});

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
    const redis = admin();
    const prefix = livePrefix(resources, redis);
    const gateway = inMemoryGateway(schema);
    const server = await startLiveServer(resources, {
      schema,
      executor: gateway.executor,
      prefix,
      ...options,
    });
    const client = (params: Record<string, unknown> = {}) =>
      resources.add(liveClient(server.url, params), (c) => c.dispose());
    /** Resolves once `n` subscribers of `context` are listening on the server's hub. */
    const listening = (context: string, n: number) =>
      eventually(() => server.hub.listenerCount(context) === n, `${n} ${context} subscribers`);
    return { ...server, redis, prefix, gateway, client, listening };
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
    const { client, redis, prefix, gateway, listening } = await setup({
      authenticate: (params, request) => {
        seen.push({ params, url: request.url });
        if (params.token === "bad") return null;
        if (params.token === "boom") throw new Error("token service down");
        return { actor: `user:${String(params.token)}` };
      },
    });
    for (const token of ["bad", "boom"]) {
      const refused = collect(client({ token }), ORDER_STATUS);
      await refused.until(() => refused.state.ended, 5_000, "the refusal").catch(() => {});
      expect(describeError(refused.state.error)).toEqual({ code: 4403, reason: "Forbidden" });
    }

    const ids = anOrder(gateway);
    const sub = collect<{ orderStatusChanged: { order: { id: string } } }>(
      client({ token: "alice" }),
      ORDER_STATUS,
      { id: ids.orderId },
    );
    await listening("ordering", 1);
    await append(redis, prefix, "ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    const [result] = await sub.until((rs) => rs.length === 1, 5_000, "the event");
    expect(result).toEqual({
      data: { orderStatusChanged: expect.objectContaining({ status: "PAID" }) },
    });
    expect(gateway.entityFetches().map((r) => r.actor)).toEqual(["user:alice"]);
    expect(seen.map((s) => [s.params.token, s.url])).toEqual([
      ["bad", "/graphql"],
      ["boom", "/graphql"],
      ["alice", "/graphql"],
    ]);
  });

  it("fetches each event's entity once for every subscriber with the same selection and actor", async () => {
    const { client, redis, prefix, gateway, listening } = await setup();
    const ids = anOrder(gateway);
    const same = Array.from({ length: 10 }, () => client({ actor: "dashboard" })).flatMap((c) =>
      Array.from({ length: 5 }, () =>
        collect<{ orderStatusChanged: { status: string } }>(c, ORDER_STATUS, { id: ids.orderId }),
      ),
    );
    await listening("ordering", 50);
    const statuses = ["PAYMENT_PENDING", "PAID", "PROCESSING"];
    await append(
      redis,
      prefix,
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
    await append(redis, prefix, "ordering", [
      orderEvent("OrderStatusTestChange", ids, { status: "SHIPPED" }, 5),
    ]);
    await other.until((r) => r.length === 1, 5_000, "the other actor's event");
    await narrower.until((r) => r.length === 1, 5_000, "the narrower selection's event");
    for (const s of same) await s.until((r) => r.length === 4, 5_000, "the fourth event");
    expect(
      gateway
        .entityFetches()
        .slice(3)
        .map((r) => r.actor)
        .sort(),
    ).toEqual(["dashboard", "dashboard", "someone-else"]);
  });

  it("resolves aliases, even ones named like another field, on the event and on its entities", async () => {
    const { client, redis, prefix, gateway, listening } = await setup();
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
    await append(redis, prefix, "ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    await append(redis, prefix, "inventory", [
      stockEvent("StockReserved", stock, levels(7, 1), levels(7, 2)),
    ]);
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
    const { client, redis, prefix, gateway, listening } = await setup();
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
    await append(redis, prefix, "ordering", [
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
      await eventually(() => close !== undefined, "the socket to be closed");
      return close;
    };
    const messages: { type: string; id?: string; payload?: unknown }[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    await new Promise((r) => socket.once("open", r));
    socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    await eventually(() => messages.some((m) => m.type === "connection_ack"), "the ack");
    const send = (message: Record<string, unknown>) => socket.send(JSON.stringify(message));
    return { socket, closed, messages, send };
  }

  it("closes a connection idle for idleTimeoutMs, but not while it holds a subscription", async () => {
    const { url, live, hub, redis, prefix, gateway, listening } = await setup({
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

    // Idle periods pass with the subscription held: that connection stays.
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 400));
      const status = ["PAID", "PROCESSING"][i];
      await append(redis, prefix, "ordering", [
        orderEvent("OrderStatusTestChange", ids, { status }, i + 2),
      ]);
      await eventually(
        () => busy.messages.filter((m) => m.type === "next").length === i + 1,
        `event ${i}`,
      );
    }
    expect(busy.socket.readyState).toBe(WebSocket.OPEN);
    busy.send({ id: "s1", type: "complete" });
    expect(await busy.closed()).toEqual({ code: 1000, reason: "Idle timeout" });
    await eventually(() => live.connections === 0, "the connections to be forgotten");
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
    // Several ping intervals later the answering peer is still connected.
    await new Promise((r) => setTimeout(r, 700));
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    expect(hub.listenerCount("ordering")).toBe(1);
  });

  it("refuses a connection's subscription beyond the cap, keeping the others running", async () => {
    const { client, redis, prefix, gateway, listening } = await setup({
      limits: { maxSubscriptionsPerConnection: 3 },
    });
    const ids = anOrder(gateway);
    const c = client();
    const held = Array.from({ length: 3 }, () => collect(c, ORDER_STATUS, { id: ids.orderId }));
    await listening("ordering", 3);
    const extra = collect(c, ORDER_STATUS, { id: ids.orderId });
    await extra.until(() => extra.state.ended, 5_000, "the refusal").catch(() => {});
    expect(extra.state.error).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("already holds 3 subscriptions"),
        extensions: { code: "TOO_MANY_SUBSCRIPTIONS", limit: 3 },
      }),
    ]);
    // Another connection has a cap of its own.
    const elsewhere = collect(client(), ORDER_STATUS, { id: ids.orderId });
    await listening("ordering", 4);
    await append(redis, prefix, "ordering", [
      orderEvent("OrderPaid", ids, { previousStatus: "PAYMENT_PENDING", status: "PAID" }),
    ]);
    for (const h of [...held, elsewhere]) {
      await h.until((r) => r.length === 1, 5_000, "the event");
      expect(h.state.ended).toBe(false);
    }
  });

  it("counts only active subscriptions against the cap: completed and failed ones free their slot", async () => {
    const { client, hub, redis, prefix, gateway, listening } = await setup({
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
    await eventually(
      () => third.state.ended || hub.listenerCount("ordering") === 2,
      "the third subscription to be taken or refused",
    );
    expect(describeError(third.state.error)).toBeUndefined();
    expect(hub.listenerCount("inventory")).toBe(0);
    await append(redis, prefix, "ordering", [
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
      Array(4).fill(["ops", expect.objectContaining({ id: expect.any(String) })]),
    );
    expect(gateway.requests[0]!.query).toBe(query);
    expect(gateway.requests[2]!.operationName).toBe("Status");

    // The gateway's own executor (what main.ts passes) runs the named operation too.
    const both = "query A { a: __typename } query B { b: __typename }";
    expect(
      await gatewayExecutor({ query: both, variables: {}, operationName: "B", actor: "ops" }),
    ).toEqual({ data: { b: "Query" } });
  });
});
