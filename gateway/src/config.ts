import { fileURLToPath } from "node:url";
import { DEV_KEY_FILE } from "@shopstream/auth";
import type { Env, ServiceConfig } from "@shopstream/config";
import { env, loadConfig, serviceConfig, serviceEnv, z } from "@shopstream/config";
import type { AdmissionLimits } from "@shopstream/service";
import type { JWK } from "jose";
import { ASYMMETRIC_ALGORITHMS, type ClientAuthConfig } from "./auth/index.ts";
import { DEFAULT_OPERATION_LIMITS } from "./limits.ts";
import type { SubscriptionLimits } from "./live/subscription-server.ts";
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from "./rate-limit.ts";

/**
 * The gateway's bound on HTTP operations worked on at once (`GATEWAY_MAX_IN_FLIGHT`), the queue
 * behind it (`GATEWAY_MAX_QUEUED`) and how long a request may wait there
 * (`GATEWAY_QUEUE_TIMEOUT_MS`) before it is refused with 503 + Retry-After. 64 in flight keeps
 * every subgraph's pool (6 connections, 2 s wait) busy without making requests wait out that
 * 2 s inside a resolver; the queue holds about what the stack places in a second at its target
 * pace (300 orders/s), so a request that waited there still has its turn within the wait.
 */
export const DEFAULT_ADMISSION: AdmissionLimits = {
  maxInFlight: 64,
  maxQueued: 256,
  queueTimeoutMs: 1_000,
};

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

const defaultDevKeyFile = fileURLToPath(new URL(`../../${DEV_KEY_FILE}`, import.meta.url));

/** A private JWK as JSON (the start command generates the internal key pair). */
const privateJwk = z
  .string({
    message:
      "is required: the private key (a JWK in JSON) the gateway signs its subgraph tokens with; npm start sets it",
  })
  .transform((value, ctx) => {
    try {
      const jwk = JSON.parse(value) as JWK;
      if (typeof jwk === "object" && jwk !== null && typeof jwk.d === "string" && jwk.kty)
        return jwk;
    } catch {}
    ctx.addIssue({ code: "custom", message: "must be a private key as a JWK in JSON" });
    return z.NEVER;
  });

/** Client authentication (see the README's "Authentication"). */
const authEnv = {
  /** `production`: introspection, GraphiQL, suggestions and dev sign-in off. */
  NODE_ENV: z.string().optional(),
  AUTH_MODE: z.enum(["dev", "oidc"], { message: "must be dev or oidc" }).default("dev"),
  AUTH_DEV_KEY_FILE: z.string().default(defaultDevKeyFile),
  AUTH_JWKS_URL: env.httpUrl().optional(),
  AUTH_ISSUER: z.string().optional(),
  AUTH_AUDIENCE: z.string().optional(),
  AUTH_ALGORITHMS: z
    .string()
    .default("RS256,ES256")
    .transform((v) =>
      v
        .split(",")
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .refine(
      (list) =>
        list.length > 0 &&
        list.every((a) => (ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a)),
      `must be a comma-separated list of ${ASYMMETRIC_ALGORITHMS.join(", ")}`,
    ),
  AUTH_ROLES_CLAIM: z
    .string()
    .regex(/^[^.\s]+(\.[^.\s]+)*$/, "must be a dot path, e.g. realm_access.roles")
    .default("roles"),
  /** Signs the gateway's tokens to the subgraphs. */
  INTERNAL_AUTH_PRIVATE_KEY: privateJwk,
};

const schema = z
  .object({
    ...authEnv,
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
    MAX_QUERY_ALIASES: env.int(DEFAULT_OPERATION_LIMITS.maxAliases, 0, 10_000),
    MAX_QUERY_DIRECTIVES: env.int(DEFAULT_OPERATION_LIMITS.maxDirectives, 0, 10_000),
    MAX_QUERY_COST: env.int(DEFAULT_OPERATION_LIMITS.maxCost, 1, 100_000_000),
    RATE_LIMIT_ENABLED: z
      .enum(["true", "false"], { message: "must be true or false" })
      .default(DEFAULT_RATE_LIMITS.enabled ? "true" : "false"),
    RATE_LIMIT_PER_MINUTE: env.int(DEFAULT_RATE_LIMITS.perMinute, 1, 10_000_000),
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: env.int(DEFAULT_RATE_LIMITS.anonymousPerMinute, 1, 10_000_000),
    GATEWAY_MAX_IN_FLIGHT: env.int(DEFAULT_ADMISSION.maxInFlight, 1, 100_000),
    GATEWAY_MAX_QUEUED: env.int(DEFAULT_ADMISSION.maxQueued, 0, 1_000_000),
    GATEWAY_QUEUE_TIMEOUT_MS: env.int(DEFAULT_ADMISSION.queueTimeoutMs, 0, 60_000),
    /** Comma-separated origins (`https://shop.example`) a browser may open WebSockets from. */
    WS_ALLOWED_ORIGINS: z.string().optional(),
    WS_MAX_SUBSCRIPTIONS: env.int(25, 1, 10_000),
    WS_IDLE_TIMEOUT_MS: env.int(60_000, 100, 86_400_000),
    WS_KEEPALIVE_MS: env.int(30_000, 100, 3_600_000),
    WS_MAX_BUFFERED_EVENTS: env.int(10_000, 10, 1_000_000),
    /** Anonymous catalogue and inventory answers kept until their context changes (read-cache.ts). */
    READ_CACHE_ENABLED: z
      .enum(["true", "false"], { message: "must be true or false" })
      .default("true"),
    READ_CACHE_MAX_ENTRIES: env.int(1000, 1, 1_000_000),
    READ_CACHE_TTL_MS: env.int(60_000, 1, 86_400_000),
    /** Identical subgraph queries in flight at once are sent once (read-cache.ts). */
    READ_COLLAPSE_ENABLED: z
      .enum(["true", "false"], { message: "must be true or false" })
      .default("true"),
  })
  .superRefine((c, ctx) => {
    if (c.AUTH_MODE === "dev" && c.NODE_ENV === "production") {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_MODE"],
        message:
          "dev sign-in is refused under NODE_ENV=production; set AUTH_MODE=oidc and AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE",
      });
    }
    if (c.AUTH_MODE === "oidc") {
      for (const key of ["AUTH_JWKS_URL", "AUTH_ISSUER", "AUTH_AUDIENCE"] as const) {
        if (!c[key])
          ctx.addIssue({ code: "custom", path: [key], message: "is required with AUTH_MODE=oidc" });
      }
    }
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
  /** NODE_ENV=production: introspection, GraphiQL and validation suggestions are off. */
  production: boolean;
  rateLimit: RateLimitConfig;
  /** Bound on HTTP operations at once, and the brief queue behind it (see DEFAULT_ADMISSION). */
  admission: AdmissionLimits;
  /** Origins allowed to open a WebSocket; null: any (the variable is unset). */
  allowedOrigins: string[] | null;
  auth: ClientAuthConfig;
  /** The private half of the internal key pair: signs gateway → subgraph tokens. */
  internalPrivateKey: JWK;
  reads: { cache: boolean; collapse: boolean; maxEntries: number; ttlMs: number };
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
      maxAliases: c.MAX_QUERY_ALIASES,
      maxDirectives: c.MAX_QUERY_DIRECTIVES,
      maxCost: c.MAX_QUERY_COST,
      maxSubscriptionsPerConnection: c.WS_MAX_SUBSCRIPTIONS,
      idleTimeoutMs: c.WS_IDLE_TIMEOUT_MS,
      keepAliveMs: c.WS_KEEPALIVE_MS,
      maxBufferedEvents: c.WS_MAX_BUFFERED_EVENTS,
      maxPayloadBytes: BODY_LIMIT_BYTES,
    },
    production: c.NODE_ENV === "production",
    rateLimit: {
      enabled: c.RATE_LIMIT_ENABLED === "true",
      perMinute: c.RATE_LIMIT_PER_MINUTE,
      anonymousPerMinute: c.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    },
    admission: {
      maxInFlight: c.GATEWAY_MAX_IN_FLIGHT,
      maxQueued: c.GATEWAY_MAX_QUEUED,
      queueTimeoutMs: c.GATEWAY_QUEUE_TIMEOUT_MS,
    },
    allowedOrigins: c.WS_ALLOWED_ORIGINS
      ? c.WS_ALLOWED_ORIGINS.split(",")
          .map((o) => o.trim())
          .filter(Boolean)
      : null,
    auth:
      c.AUTH_MODE === "oidc"
        ? {
            mode: "oidc",
            jwksUrl: c.AUTH_JWKS_URL!,
            issuer: c.AUTH_ISSUER!,
            audience: c.AUTH_AUDIENCE!,
            algorithms: c.AUTH_ALGORITHMS,
            rolesClaim: c.AUTH_ROLES_CLAIM,
          }
        : { mode: "dev", devKeyFile: c.AUTH_DEV_KEY_FILE },
    internalPrivateKey: c.INTERNAL_AUTH_PRIVATE_KEY,
    reads: {
      cache: c.READ_CACHE_ENABLED === "true",
      collapse: c.READ_COLLAPSE_ENABLED === "true",
      maxEntries: c.READ_CACHE_MAX_ENTRIES,
      ttlMs: c.READ_CACHE_TTL_MS,
    },
  };
}
