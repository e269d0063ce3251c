import { unique } from "@shopstream/testing";
import { waitFor } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { orderChanges, recorder } from "./live-fixtures.ts";
import { liveTestBed } from "./live-harness.ts";

const bed = liveTestBed();

describe("LiveHub", () => {
  it("holds one Redis subscription per context however many listen, and gives each listener every event in order", async () => {
    const { hub, append, subscribers, listen } = bed.hub();
    const before = await append("ordering", orderChanges(3));

    const listeners = Array.from({ length: 100 }, recorder);
    const positions = await Promise.all(listeners.map((l) => hub.listen("ordering", l.listener)));
    expect(new Set(positions.map((p) => p.position))).toEqual(new Set([before[2]]));
    expect(await subscribers("ordering")).toBe(1);
    expect(hub.subscribedChannels).toBe(1);

    const stock = await listen("inventory");
    expect(await subscribers("inventory")).toBe(1);
    expect(await subscribers("ordering")).toBe(1);

    const ids: string[] = [];
    for (let batch = 0; batch < 5; batch++) {
      ids.push(...(await append("ordering", orderChanges(1 + batch))));
    }
    await waitFor("every event", () => listeners.every((l) => l.ids.length >= ids.length));
    for (const l of listeners) expect(l.ids).toEqual(ids);
    expect(stock.ids).toEqual([]);

    for (const l of listeners.slice(1)) await hub.unlisten("ordering", l.listener);
    expect(await subscribers("ordering")).toBe(1);
    await hub.unlisten("ordering", listeners[0]!.listener);
    expect(await subscribers("ordering")).toBe(0);
    expect(hub.listenerCount("ordering")).toBe(0);
    expect(await subscribers("inventory")).toBe(1);
    await hub.unlisten("inventory", stock.listener);
    expect(await subscribers("inventory")).toBe(0);
    expect(hub.subscribedChannels).toBe(0);
  });

  it("keeps a listener that joins while the last one leaves subscribed and served", async () => {
    const { hub, append, subscribers, listen } = bed.hub();
    const leaving = await listen();

    const joining = recorder();
    // In the same tick: a dashboard reconnects while the previous subscriber goes away.
    const joined = hub.listen("ordering", joining.listener);
    const left = hub.unlisten("ordering", leaving.listener);
    await Promise.all([joined, left]);

    expect(hub.listenerCount("ordering")).toBe(1);
    await waitFor(
      "the channel to be subscribed",
      async () => (await subscribers("ordering")) === 1,
    );
    const ids = await append("ordering", orderChanges(2));
    expect(await joining.handed(2, "the joining listener's events")).toEqual(ids);
  });

  it("delivers what was appended while its subscriber connection was down, once it is back", async () => {
    // No safety poll: only the reconnect can catch up here.
    const { subscriber, append, subscribers, listen } = bed.hub({ pollMs: 0 });
    const l = await listen();
    const first = await append("ordering", orderChanges(2));
    await l.handed(2, "the first events");

    subscriber.disconnect();
    await waitFor("the subscriber to disconnect", () => subscriber.status === "end");
    expect(await subscribers("ordering")).toBe(0);
    const missed = await append("ordering", orderChanges(3));
    await subscriber.connect();
    await l.handed(5, "the events appended while disconnected");

    // Re-subscribed: announcements reach it again.
    await waitFor("the re-subscription", async () => (await subscribers("ordering")) === 1);
    const after = await append("ordering", orderChanges(2));
    expect(await l.handed(7, "the events after the reconnect")).toEqual([
      ...first,
      ...missed,
      ...after,
    ]);
  });

  it("recovers when Redis drops its subscriber connection (CLIENT KILL), missing nothing", async () => {
    const connectionName = unique("hub");
    const { redis, subscriber, append, subscribers, listen } = bed.hub({
      subscriber: bed.connection({ connectionName }),
      pollMs: 100,
    });
    const l = await listen();

    const ids: string[] = [];
    for (let round = 0; round < 3; round++) {
      ids.push(...(await append("ordering", orderChanges(2))));
      // The subscriber connection can run no CLIENT command itself; Redis knows it by name.
      const list = String(await redis.call("CLIENT", "LIST", "TYPE", "pubsub"));
      const line = list.split("\n").find((l) => l.includes(` name=${connectionName} `));
      const id = /\bid=(\d+)/.exec(line ?? "")?.[1];
      expect(await redis.client("KILL", "ID", String(id))).toBe(1);
      // Appended while ioredis notices and reconnects (it re-subscribes on its own).
      ids.push(...(await append("ordering", orderChanges(3))));
      await l.handed(ids.length, `round ${round}'s events`);
      await waitFor("the reconnect", () => subscriber.status === "ready");
    }
    expect(l.ids).toEqual(ids);
    await waitFor("the re-subscription", async () => (await subscribers("ordering")) === 1);
  });

  it("reads a burst larger than its page size page after page", async () => {
    const { append, listen } = bed.hub({ pageSize: 3, pollMs: 0 });
    const l = await listen();
    const ids = await append("ordering", orderChanges(10));
    expect(await l.handed(10, "the whole burst")).toEqual(ids);
  });

  it("still delivers from the stream on its safety poll when announcements cannot arrive", async () => {
    const { subscriber, append, subscribers, listen } = bed.hub({ pollMs: 50 });
    const l = await listen();
    subscriber.disconnect(); // for good: no announcement reaches this hub any more
    await waitFor("the subscriber to disconnect", () => subscriber.status === "end");
    expect(await subscribers("ordering")).toBe(0);
    const ids = await append("ordering", orderChanges(4));
    expect(await l.handed(4, "the polled events")).toEqual(ids);
  });
});
