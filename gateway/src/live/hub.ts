import {
  compareStreamIds,
  type LiveEvent,
  liveChannel,
  liveStreamKey,
  parseLiveEntry,
} from "@shopstream/live";
import type { Logger } from "@shopstream/service";
import type { Redis } from "ioredis";

export type LiveListener = (events: readonly LiveEvent[]) => void;

interface Channel {
  context: string;
  listeners: Set<LiveListener>;
  /** Stream id of the last entry dispatched; listeners get every entry after it. */
  lastId: string;
  reading: boolean;
  readAgain: boolean;
  /** Resolves once the channel is subscribed and positioned. */
  ready: Promise<void>;
}

export interface LiveHubOptions {
  /** A connection the hub puts into subscriber mode (it can do nothing else afterwards). */
  subscriber: Redis;
  /** A normal connection for reading the streams. */
  reader: Redis;
  prefix: string;
  logger: Logger;
  /** Stream entries read per round trip. */
  pageSize?: number;
  /**
   * Safety poll: a pub/sub message can be lost while the connection is down; reading the stream
   * after the last dispatched id on this interval (and on every reconnect) catches up.
   */
  pollMs?: number;
}

/**
 * One gateway process's fan-out of the live streams: ONE Redis subscription per context channel
 * however many clients listen, one XRANGE per announcement, and an in-process dispatch to every
 * listener. Listeners filter and buffer for themselves (see live-stream.ts).
 *
 * Written here rather than taken from graphql-redis-subscriptions: that library subscribes per
 * trigger and carries messages in pub/sub only, so a subscriber cannot resume from a cursor and a
 * reconnect loses what was published meanwhile; the stream is the source of truth here and
 * pub/sub only a doorbell.
 */
export class LiveHub {
  private readonly channels = new Map<string, Channel>();
  private readonly pageSize: number;
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: LiveHubOptions) {
    this.pageSize = options.pageSize ?? 500;
    options.subscriber.on("message", (channel: string) => {
      const context = this.contextOf(channel);
      if (context) this.pump(context);
    });
    // ioredis re-subscribes by itself after a reconnect; what was announced meanwhile is read now.
    options.subscriber.on("ready", () => {
      for (const context of this.channels.keys()) this.pump(context);
    });
    if ((options.pollMs ?? 1000) > 0) {
      this.timer = setInterval(() => {
        for (const context of this.channels.keys()) this.pump(context);
      }, options.pollMs ?? 1000);
      this.timer.unref();
    }
  }

  /** How many Redis channels this hub is subscribed to (one per context with listeners). */
  get subscribedChannels(): number {
    return this.channels.size;
  }

  listenerCount(context: string): number {
    return this.channels.get(context)?.listeners.size ?? 0;
  }

  /**
   * Adds a listener to a context's events. Resolves with the stream id the listener starts
   * after: it receives exactly the entries later than that id, in order.
   */
  async listen(context: string, listener: LiveListener): Promise<{ position: string }> {
    if (this.closed) throw new Error("live hub is closed");
    let channel = this.channels.get(context);
    if (!channel) {
      channel = {
        context,
        listeners: new Set(),
        lastId: "0-0",
        reading: false,
        readAgain: false,
        ready: Promise.resolve(),
      };
      const c = channel;
      this.channels.set(context, c);
      c.ready = (async () => {
        // Position first, then subscribe, then read once: an entry added in between is read by
        // that first pass rather than waiting for the next announcement.
        const [last] = await this.options.reader.xrevrange(
          liveStreamKey(this.options.prefix, context),
          "+",
          "-",
          "COUNT",
          1,
        );
        c.lastId = last?.[0] ?? "0-0";
        await this.options.subscriber.subscribe(liveChannel(this.options.prefix, context));
      })();
      c.ready.then(
        () => this.pump(context),
        () => {},
      );
    }
    try {
      await channel.ready;
    } catch (error) {
      if (this.channels.get(context) === channel) this.channels.delete(context);
      throw error;
    }
    // The last listener may have left while this one waited: that channel is gone (and being
    // unsubscribed), so join the context afresh rather than a channel nobody reads.
    if (this.channels.get(context) !== channel) return this.listen(context, listener);
    channel.listeners.add(listener);
    return { position: channel.lastId };
  }

  /** Removes a listener; the last one out unsubscribes the channel. */
  async unlisten(context: string, listener: LiveListener): Promise<void> {
    const channel = this.channels.get(context);
    if (!channel?.listeners.delete(listener) || channel.listeners.size > 0) return;
    this.channels.delete(context);
    await channel.ready.catch(() => {});
    // A listener may have arrived while the channel was being set up again; only drop the
    // Redis subscription if no channel for this context exists now.
    if (!this.channels.has(context) && !this.closed) {
      await this.options.subscriber
        .unsubscribe(liveChannel(this.options.prefix, context))
        .catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.channels.clear();
  }

  private contextOf(channel: string): string | undefined {
    for (const context of this.channels.keys()) {
      if (liveChannel(this.options.prefix, context) === channel) return context;
    }
    return undefined;
  }

  /** Reads everything after the channel's last id and dispatches it; one reader per channel. */
  private pump(context: string): void {
    const channel = this.channels.get(context);
    if (!channel) return;
    if (channel.reading) {
      channel.readAgain = true;
      return;
    }
    channel.reading = true;
    void (async () => {
      try {
        do {
          channel.readAgain = false;
          for (;;) {
            const entries = await this.options.reader.xrange(
              liveStreamKey(this.options.prefix, context),
              `(${channel.lastId}`,
              "+",
              "COUNT",
              this.pageSize,
            );
            const events = entries.map(([id, fields]) => parseLiveEntry(id, fields));
            const fresh = events.filter((e) => compareStreamIds(e.cursor, channel.lastId) > 0);
            if (fresh.length > 0) {
              channel.lastId = fresh[fresh.length - 1]!.cursor;
              for (const listener of channel.listeners) {
                try {
                  listener(fresh);
                } catch (error) {
                  this.options.logger.error("live listener failed", { error: String(error) });
                }
              }
            }
            if (entries.length < this.pageSize) break;
          }
        } while (channel.readAgain && this.channels.get(context) === channel);
      } catch (error) {
        // The next announcement, reconnect or poll reads again from the same id: nothing lost.
        this.options.logger.warn("live stream read failed", { context, error: String(error) });
      } finally {
        channel.reading = false;
      }
    })();
  }
}
