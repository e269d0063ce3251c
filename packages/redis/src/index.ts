import { Redis, type RedisOptions } from "ioredis";

export type { Redis };

export interface RedisClientOptions extends RedisOptions {
  /**
   * Where connection errors go (a logger, say); by default they are dropped. ioredis reconnects
   * by itself, and without a listener each error while Redis is away would be an unhandled
   * 'error' event that ends the process.
   */
  onError?: (error: Error) => void;
}

/**
 * The one way a process opens Redis. By default `maxRetriesPerRequest: null`, which BullMQ
 * requires: commands wait for a reconnect instead of failing, so a Redis restart pauses the
 * pipeline rather than breaking it. A client that should fail fast instead (a request-path reader,
 * a producer, a probe) passes its own `maxRetriesPerRequest`.
 */
export function createRedis(url: string, { onError, ...options }: RedisClientOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, ...options });
  redis.on("error", onError ?? (() => {}));
  return redis;
}

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
  const redis = createRedis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
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

/**
 * Checks at start-up that Redis answers and, for a process that runs the event pipeline
 * (`pipeline: true`), that it never evicts keys. Throws an Error whose message says how to fix it.
 */
export async function checkRedis(url: string, { pipeline = false } = {}): Promise<void> {
  try {
    await pingRedis(url);
  } catch {
    throw new Error(redisHelp(url));
  }
  if (!pipeline) return;
  const probe = createRedis(url, { maxRetriesPerRequest: 1 });
  try {
    await assertNoEviction(probe);
  } finally {
    probe.disconnect();
  }
}

/** checkRedis for a process's main: prints the problem prefixed with the process's name and exits 1. */
export async function requireRedis(
  service: string,
  url: string,
  options: { pipeline?: boolean } = {},
): Promise<void> {
  try {
    await checkRedis(url, options);
  } catch (error) {
    process.stderr.write(`${service}: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
