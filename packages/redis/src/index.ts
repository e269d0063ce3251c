import { Redis } from "ioredis";

/** How to get a Redis when none answers; printed by every process that needs one. */
export function redisHelp(url: string): string {
  return [
    `Redis is not reachable at ${url}.`,
    "ShopStream needs Redis 6.2+ (BullMQ queues and live subscriptions). To get one:",
    '  - Debian/Ubuntu: apt-get install redis-server && redis-server --daemonize yes --port 6379 --save "" --appendonly no',
    "  - macOS: brew install redis && brew services start redis",
    "  - Docker: docker run -d -p 6379:6379 redis:7 --maxmemory-policy noeviction",
    "Or point REDIS_URL at an existing server.",
  ].join("\n");
}

/** Pings Redis once, failing fast instead of retrying forever (ioredis' default). */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
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
