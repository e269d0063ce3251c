import { unique } from "@shopstream/testing";
import { describe, expect, it } from "vitest";
import { orderChanges, recorder } from "./live-fixtures.ts";
import {
  append,
  eventually,
  livePrefix,
  perTestResources,
  redisConnection,
  startHub,
  subscribers,
} from "./live-harness.ts";

const { resources, admin } = perTestResources();

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
