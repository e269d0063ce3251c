import { DomainError } from "@shopstream/errors";
import {
  CursorExpiredError,
  compareStreamIds,
  type LiveEvent,
  readLiveAfter,
} from "@shopstream/live";
import type { Redis } from "ioredis";
import type { LiveHub } from "./hub.ts";
import type { LivePayload } from "./sources.ts";

export interface OpenLiveStreamOptions {
  hub: LiveHub;
  reader: Redis;
  prefix: string;
  context: string;
  /** Stream id to resume after (decoded from the client's cursor), or null for "from now". */
  after: string | null;
  /** Maps an event to what the subscriber receives, or null when it does not match. */
  select: (event: LiveEvent) => LivePayload | null;
  /** Most undelivered live events held for a slow subscriber before it is ended. */
  maxBuffered: number;
}

/**
 * One subscriber's events: it joins the hub first (buffering), then replays the stream from its
 * cursor up to the end, then drains the buffer. Every event is keyed by its stream id and only
 * ids above the last one delivered go out, so the seam between replay and live has no gap (the
 * hub's buffer starts no later than the replay's end) and no duplicate (the overlap is skipped).
 */
export async function openLiveStream(
  options: OpenLiveStreamOptions,
): Promise<AsyncIterableIterator<LivePayload>> {
  const queue: { id: string; payload: LivePayload }[] = [];
  let lastDelivered = "0-0";
  let waiting: ((result: IteratorResult<LivePayload>) => void) | null = null;
  let failing: ((error: unknown) => void) | null = null;
  let failure: unknown = null;
  let done = false;
  // Replayed events still at the head of the queue. They were read from the stream, not left
  // behind by a slow reader, so they do not count against maxBuffered: counted, a replay longer
  // than the limit would end the subscriber at the first live event, before it could read any,
  // and every resumption from the same cursor would end the same way.
  let replayedLeft = 0;

  const listener = (events: readonly LiveEvent[]) => {
    if (done) return;
    for (const event of events) {
      const payload = options.select(event);
      if (payload) queue.push({ id: event.cursor, payload });
    }
    if (queue.length - replayedLeft > options.maxBuffered) {
      failure = new DomainError(
        "SUBSCRIBER_TOO_SLOW",
        `The subscriber fell more than ${options.maxBuffered} events behind and was ended; resume with after: the last cursor received`,
      );
      queue.length = 0;
      void finish();
    }
    wake();
  };

  const wake = () => {
    if (failure && failing) {
      const fail = failing;
      waiting = failing = null;
      fail(failure);
      return;
    }
    if (!waiting) return;
    const next = take();
    if (next) {
      const resolve = waiting;
      waiting = failing = null;
      resolve({ value: next, done: false });
    } else if (done) {
      const resolve = waiting;
      waiting = failing = null;
      resolve({ value: undefined, done: true });
    }
  };

  const take = (): LivePayload | undefined => {
    for (;;) {
      const item = queue.shift();
      if (!item) return undefined;
      if (replayedLeft > 0) replayedLeft--;
      if (compareStreamIds(item.id, lastDelivered) <= 0) continue;
      lastDelivered = item.id;
      return item.payload;
    }
  };

  const finish = async () => {
    if (done) return;
    done = true;
    await options.hub.unlisten(options.context, listener);
  };

  const { position } = await options.hub.listen(options.context, listener);
  if (options.after === null) {
    lastDelivered = position;
  } else {
    try {
      const replayed: { id: string; payload: LivePayload }[] = [];
      let cursor = options.after;
      for (;;) {
        const page = await readLiveAfter(options.reader, options.prefix, options.context, cursor);
        for (const event of page) {
          const payload = options.select(event);
          if (payload) replayed.push({ id: event.cursor, payload });
        }
        if (page.length === 0) break;
        cursor = page[page.length - 1]!.cursor;
        // Caught up with where the live buffer starts: the rest comes from the hub.
        if (compareStreamIds(cursor, position) >= 0) break;
      }
      queue.unshift(...replayed);
      replayedLeft = replayed.length;
      lastDelivered = options.after;
    } catch (error) {
      await finish();
      if (error instanceof CursorExpiredError) {
        throw new DomainError(
          "CURSOR_EXPIRED",
          `The cursor is older than the retained live history; subscribe without after and reload the current state (${error.message})`,
        );
      }
      throw error;
    }
  }

  const iterator: AsyncIterableIterator<LivePayload> = {
    next() {
      if (failure) return Promise.reject(failure);
      const value = take();
      if (value) return Promise.resolve({ value, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => {
        waiting = resolve;
        failing = reject;
      });
    },
    async return() {
      await finish();
      queue.length = 0;
      wake();
      return { value: undefined, done: true };
    },
    async throw(error) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
