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
