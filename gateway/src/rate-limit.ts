import type { IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { HeaderMap } from "@apollo/server";
import type { Logger, RequestContext } from "@shopstream/service";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** Apollo's graphql build (see gateway.ts): an error of another build loses its HTTP status. */
const cjsGraphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

export interface RateLimitConfig {
  enabled: boolean;
  /** Operations a signed-in principal may start per minute, over every gateway process. */
  perMinute: number;
  /** Operations one IP address without credentials may start per minute. */
  anonymousPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  enabled: true,
  // Generous: the e2e races fire several hundred requests a minute from 127.0.0.1.
  perMinute: 6_000,
  anonymousPerMinute: 6_000,
};

/**
 * The budget a request is charged to: the principal's `sub` when signed in (whatever address it
 * comes from), else its IP address. Reads the principal by shape, so it takes the HTTP context's
 * `principal` and the WebSocket connection's alike.
 */
export function rateLimitKey(principal: unknown, ip: string | undefined): string {
  const p = principal as { kind?: unknown; sub?: unknown } | null | undefined;
  if (p && typeof p.kind === "string" && p.kind !== "anonymous" && typeof p.sub === "string") {
    return `principal:${p.kind}:${p.sub}`;
  }
  // Not X-Forwarded-For: the gateway is published directly, and a client sets that header freely.
  return `ip:${ip ?? "unknown"}`;
}

/** Whole seconds to wait, at least 1: what `Retry-After` and the error say. */
const secondsOf = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export const rateLimitedMessage = (retryAfterSeconds: number) =>
  `Too many requests; retry in ${retryAfterSeconds} s`;

/**
 * Per-principal and per-IP budgets held in Redis with rate-limiter-flexible (a fixed one-minute
 * window counted by one atomic Lua increment), so every gateway process draws on the same
 * budget. While Redis is unreachable each process falls back to an in-memory budget of the same
 * size (the library's insurance limiter) rather than refusing everyone or limiting no one.
 */
export function createRateLimiter(options: {
  redis: Redis;
  /** Key prefix in Redis, e.g. the QUEUE_PREFIX; tests use their own. */
  prefix: string;
  config: RateLimitConfig;
  logger: Logger;
}) {
  const { config, logger } = options;
  const limiter = (name: string, points: number) =>
    new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}:rate:${name}`,
      points,
      duration: 60,
      insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
    });
  const signedIn = limiter("principal", config.perMinute);
  const anonymous = limiter("ip", config.anonymousPerMinute);

  /** Charges one operation; the seconds to wait when over budget, else null. */
  async function consume(principal: unknown, ip: string | undefined): Promise<number | null> {
    if (!config.enabled) return null;
    const key = rateLimitKey(principal, ip);
    try {
      await (key.startsWith("ip:") ? anonymous : signedIn).consume(key);
      return null;
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return secondsOf(outcome.msBeforeNext);
      // Both Redis and the insurance limiter failed: serve rather than refuse everyone.
      logger.warn("rate limit unavailable", { error: String(outcome) });
      return null;
    }
  }

  return {
    consume,
    /**
     * The HTTP path, run as Apollo's context is built (after authentication, before parsing):
     * over budget it throws, and Apollo answers 429 with `Retry-After` and a RATE_LIMITED error.
     */
    async http<T extends RequestContext>(context: T, req: IncomingMessage): Promise<T> {
      const wait = await consume(
        (context as { principal?: unknown }).principal,
        req.socket.remoteAddress,
      );
      if (wait === null) return context;
      throw new cjsGraphql.GraphQLError(rateLimitedMessage(wait), {
        extensions: {
          code: "RATE_LIMITED",
          retryAfter: wait,
          http: { status: 429, headers: new HeaderMap([["retry-after", String(wait)]]) },
        },
      });
    },
    /** The WebSocket path: one subscribe (query, mutation or subscription) on a connection. */
    ws(principal: unknown, request: IncomingMessage): Promise<number | null> {
      return consume(principal, request.socket.remoteAddress);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
