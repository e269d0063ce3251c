import { Redis, type RedisOptions } from "ioredis";

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ requires for
 * workers: commands wait for a reconnect instead of failing, so a Redis restart pauses the
 * pipeline rather than breaking it.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, ...options });
  redis.on("error", () => {
    // ioredis reconnects by itself; errors while Redis is away are expected and would otherwise
    // be unhandled 'error' events.
  });
  return redis;
}

// Kept in @shopstream/redis so the start command checks the same rule before starting anything.
export { assertNoEviction } from "@shopstream/redis";
