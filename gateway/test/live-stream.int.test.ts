import { expectDomainError, waitFor } from "@shopstream/testing/kit";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { decodeLiveCursor } from "../src/live/cursor.ts";
import type { LiveHub } from "../src/live/hub.ts";
import { openLiveStream } from "../src/live/live-stream.ts";
import { orderStatusChanged } from "../src/live/sources.ts";
import { orderChanges, orderIds } from "./live-fixtures.ts";
import { liveTestBed } from "./live-harness.ts";

const bed = liveTestBed();

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

  /** Opens ordering's stream on the test's hub, after `after` (null: from now). */
  const open = (
    { hub, reader, prefix }: { hub: LiveHub; reader: Redis; prefix: string },
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

  /** Takes events off `stream` until `seen` holds `count` stream ids. */
  async function take(stream: AsyncIterator<{ cursor: string }>, seen: string[], count: number) {
    while (seen.length < count) {
      const { value } = await stream.next();
      seen.push(decodeLiveCursor(value!.cursor, "ordering"));
    }
  }

  it("resumes at any earlier cursor while events keep coming, with no gap and no duplicate, then stays live", async () => {
    const live = bed.hub();
    const { hub, append } = live;
    const a = orderIds();
    const b = orderIds();

    // The writer: 2,000 events of two orders, in the relay's small batches, as fast as Redis
    // takes them, while streams open at cursors behind it.
    const written: { id: string; orderId: string }[] = [];
    const writer = (async () => {
      for (let i = 0; i < 250; i++) {
        const batch = [...orderChanges(4, a), ...orderChanges(4, b)];
        const ids = await append("ordering", batch);
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
      // Polled often: the streams must open while the writer is still going.
      await waitFor(`${at} events written`, () => written.length >= at!, { intervalMs: 10 });
      const after = written[written.length - 1 - back!]!.id;
      opened.push({ after, read: drain(await open(live, after), "ordering") });
      const only = n % 2 === 0 ? a.orderId : b.orderId;
      const filtered = await open(live, after, { orderId: only });
      opened.push({ after, only, read: drain(filtered, "ordering") });
    }
    const fromNow = drain(await open(live, null), "ordering");
    await writer;
    expect(written.length).toBe(2000);

    // Live after the writer stopped: one more batch.
    const tail = await append("ordering", [...orderChanges(2, a), ...orderChanges(2, b)]);
    for (const [j, id] of tail.entries()) {
      written.push({ id, orderId: j < 2 ? a.orderId : b.orderId });
    }
    const last = written[written.length - 1]!.id;

    for (const { after, only, read } of opened) {
      const expected = written
        .slice(written.findIndex((w) => w.id === after) + 1)
        .filter((w) => !only || w.orderId === only)
        .map((w) => w.id);
      await waitFor(
        `the events after ${after}`,
        () => read.ids.length >= expected.length || read.state.ended,
      );
      expect(read.state.error).toBeUndefined();
      expect(read.ids).toEqual(expected);
    }
    // From now: a gap-free, duplicate-free suffix of the stream, up to the last event.
    await waitFor("the live tail", () => fromNow.ids.at(-1) === last);
    const start = written.findIndex((w) => w.id === fromNow.ids[0]);
    expect(start).toBeGreaterThan(0);
    expect(fromNow.ids).toEqual(written.slice(start).map((w) => w.id));
    for (const { read } of [...opened, { read: fromNow }]) await read.stop();
    expect(hub.listenerCount("ordering")).toBe(0);
  }, 20_000);

  it("refuses a cursor older than the retained history with CURSOR_EXPIRED, and leaves no listener", async () => {
    const live = bed.hub();
    const { hub, append, redis, prefix } = live;
    const ids: string[] = [];
    // A history of 10 (trimmed approximately: Redis drops whole nodes of ~100 entries).
    for (let i = 0; i < 6; i++) ids.push(...(await append("ordering", orderChanges(50), 10)));
    expect(await redis.xlen(`${prefix}:live:ordering`)).toBeLessThan(300);

    const refusal = await expectDomainError(open(live, ids[0]!), "CURSOR_EXPIRED");
    expect(refusal.message).toMatch(/older than the retained live history/);
    expect(hub.listenerCount("ordering")).toBe(0);

    // A retained cursor is fine.
    const stream = await open(live, ids[ids.length - 2]!);
    const next = await stream.next();
    expect(decodeLiveCursor((next.value as { cursor: string }).cursor, "ordering")).toBe(
      ids.at(-1),
    );
    await stream.return?.();
    expect(hub.listenerCount("ordering")).toBe(0);
  });

  it("refuses rather than skips when the history is trimmed past the cursor during the replay", async () => {
    const live = bed.hub();
    const { append, redis, prefix, reader } = live;
    const ids = await append("ordering", orderChanges(20));
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
    await expectDomainError(open({ ...live, reader: racing }, ids[5]!), "CURSOR_EXPIRED");
    expect(trimmed).toBe(true);
  });

  it("ends a subscriber that falls more than maxBuffered events behind, and unlistens it", async () => {
    const live = bed.hub();
    const { hub, append } = live;
    const idle = await open(live, null, {}, 5);
    const keepingUp = await open(live, null, {}, 5);
    expect(hub.listenerCount("ordering")).toBe(2);

    // Batches of 3: the reader keeps up, the idle one falls 6 behind on the second batch.
    const seen: string[] = [];
    const ids: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      ids.push(...(await append("ordering", orderChanges(3))));
      await take(keepingUp, seen, ids.length);
    }
    expect(seen).toEqual(ids);
    expect(hub.listenerCount("ordering")).toBe(1);
    await expectDomainError(idle.next(), "SUBSCRIBER_TOO_SLOW");
    await keepingUp.return?.();
    expect(hub.listenerCount("ordering")).toBe(0);
  });

  it("does not count a resumed subscriber's replay as falling behind", async () => {
    const live = bed.hub();
    const { append, listen } = live;
    const missed = await append("ordering", orderChanges(20));
    // Resumes 19 events back with room for 5: a reader that keeps up with what arrives live is
    // not too slow, however long the replay it was handed.
    const stream = await open(live, missed[0]!, {}, 5);
    const dispatched = await listen(); // the hub hands every batch to all its listeners at once
    const expected = missed.slice(1);
    const seen: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      expected.push(...(await append("ordering", orderChanges(3))));
      await dispatched.handed(3 * (batch + 1), "the batch");
      await take(stream, seen, expected.length);
    }
    expect(seen).toEqual(expected);
    await stream.return?.();
  });
});
