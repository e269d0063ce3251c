import { fileURLToPath } from "node:url";
import { env, loadConfig, z } from "@shopstream/config";
import { DEFAULT_OPERATION_LIMITS } from "./limits.ts";
import type { SubscriptionLimits } from "./live/subscription-server.ts";

/** Largest request: an HTTP body or a WebSocket message (1 MiB). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export const SUBGRAPH_NAMES = [
  "identity",
  "catalogue",
  "ordering",
  "inventory",
  "payments",
] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

const defaultSupergraph = fileURLToPath(
  new URL("../../schema/supergraph.graphql", import.meta.url),
);

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const schema = z.object({
  PORT: env.port(4000),
  HOST: z.string().default("0.0.0.0"),
  SUPERGRAPH_PATH: z.string().default(defaultSupergraph),
  IDENTITY_URL: env.httpUrl().optional(),
  CATALOGUE_URL: env.httpUrl().optional(),
  ORDERING_URL: env.httpUrl().optional(),
  INVENTORY_URL: env.httpUrl().optional(),
  PAYMENTS_URL: env.httpUrl().optional(),
  LOG_LEVEL: env.logLevel(),
  /** Where the workers' live streams are (subscriptions). */
  REDIS_URL: env.redisUrl(),
  /** The workers' QUEUE_PREFIX: the live streams are `<prefix>:live:<context>`. */
  QUEUE_PREFIX: env.queuePrefix(),
  MAX_QUERY_DEPTH: int(1, 100, DEFAULT_OPERATION_LIMITS.maxDepth),
  MAX_QUERY_TOKENS: int(100, 1_000_000, DEFAULT_OPERATION_LIMITS.maxTokens),
  WS_MAX_SUBSCRIPTIONS: int(1, 10_000, 25),
  WS_IDLE_TIMEOUT_MS: int(100, 86_400_000, 60_000),
  WS_KEEPALIVE_MS: int(100, 3_600_000, 30_000),
  WS_MAX_BUFFERED_EVENTS: int(10, 1_000_000, 10_000),
});

/** Every environment variable this process reads. */
export const GATEWAY_ENV_KEYS = Object.keys(schema.shape);

export interface GatewayConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /** Subgraph URLs that replace the ones recorded in the supergraph (e.g. in Docker). */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  logLevel: "debug" | "info" | "warn" | "error";
  redisUrl: string;
  livePrefix: string;
  limits: SubscriptionLimits;
}

export function loadGatewayConfig(
  source: Record<string, string | undefined> = process.env,
): GatewayConfig {
  const c = loadConfig(schema, source);
  const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = c[`${name.toUpperCase()}_URL` as `${Uppercase<SubgraphName>}_URL`];
    if (url) subgraphUrls[name] = url;
  }
  return {
    port: c.PORT,
    host: c.HOST,
    supergraphPath: c.SUPERGRAPH_PATH,
    subgraphUrls,
    logLevel: c.LOG_LEVEL,
    redisUrl: c.REDIS_URL,
    livePrefix: c.QUEUE_PREFIX,
    limits: {
      maxDepth: c.MAX_QUERY_DEPTH,
      maxTokens: c.MAX_QUERY_TOKENS,
      maxSubscriptionsPerConnection: c.WS_MAX_SUBSCRIPTIONS,
      idleTimeoutMs: c.WS_IDLE_TIMEOUT_MS,
      keepAliveMs: c.WS_KEEPALIVE_MS,
      maxBufferedEvents: c.WS_MAX_BUFFERED_EVENTS,
      maxPayloadBytes: BODY_LIMIT_BYTES,
    },
  };
}
