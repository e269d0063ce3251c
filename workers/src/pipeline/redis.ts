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

/**
 * BullMQ loses jobs if Redis evicts keys under memory pressure, so anything but `noeviction`
 * is refused at start-up.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const [, policy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
  if (policy !== "noeviction") {
    throw new Error(
      `Redis maxmemory-policy is "${policy}", but the event pipeline needs "noeviction" (an evicted job is a lost event). ` +
        "Set it with `redis-cli config set maxmemory-policy noeviction` or start Redis with `--maxmemory-policy noeviction`.",
    );
  }
}
