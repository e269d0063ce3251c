import { fileURLToPath } from "node:url";
import type { Env, ServiceConfig } from "@shopstream/config";
import { env, loadConfig, serviceConfig, serviceEnv, z } from "@shopstream/config";
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

const schema = z.object({
  ...serviceEnv(4000),
  SUPERGRAPH_PATH: z.string().default(defaultSupergraph),
  IDENTITY_URL: env.httpUrl().optional(),
  CATALOGUE_URL: env.httpUrl().optional(),
  ORDERING_URL: env.httpUrl().optional(),
  INVENTORY_URL: env.httpUrl().optional(),
  PAYMENTS_URL: env.httpUrl().optional(),
  /** Where the workers' live streams are (subscriptions). */
  REDIS_URL: env.redisUrl(),
  /** The workers' QUEUE_PREFIX: the live streams are `<prefix>:live:<context>`. */
  QUEUE_PREFIX: env.queuePrefix(),
  MAX_QUERY_DEPTH: env.int(DEFAULT_OPERATION_LIMITS.maxDepth, 1, 100),
  MAX_QUERY_TOKENS: env.int(DEFAULT_OPERATION_LIMITS.maxTokens, 100, 1_000_000),
  WS_MAX_SUBSCRIPTIONS: env.int(25, 1, 10_000),
  WS_IDLE_TIMEOUT_MS: env.int(60_000, 100, 86_400_000),
  WS_KEEPALIVE_MS: env.int(30_000, 100, 3_600_000),
  WS_MAX_BUFFERED_EVENTS: env.int(10_000, 10, 1_000_000),
});

/** Every environment variable this process reads. */
export const GATEWAY_ENV_KEYS = Object.keys(schema.shape);

export interface GatewayConfig extends ServiceConfig {
  supergraphPath: string;
  /** Subgraph URLs that replace the ones recorded in the supergraph (e.g. in Docker). */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  redisUrl: string;
  livePrefix: string;
  limits: SubscriptionLimits;
}

export function loadGatewayConfig(source: Env = process.env): GatewayConfig {
  const c = loadConfig(schema, source);
  const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = c[`${name.toUpperCase()}_URL` as `${Uppercase<SubgraphName>}_URL`];
    if (url) subgraphUrls[name] = url;
  }
  return {
    ...serviceConfig(c),
    supergraphPath: c.SUPERGRAPH_PATH,
    subgraphUrls,
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
