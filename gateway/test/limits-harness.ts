import { createLogger } from "@shopstream/service";
import { gatewayTestEnv, TEST_REDIS_URL, unique } from "@shopstream/testing";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { loadGatewayConfig } from "../src/config.ts";
import { createGateway } from "../src/gateway.ts";
import type { RateLimitConfig } from "../src/rate-limit.ts";
import { serveGateway } from "../src/serve.ts";

export const logger = createLogger("gateway-test", "error");

/**
 * The gateway as main.ts serves it (`serveGateway`: Apollo over HTTP, GraphiQL's routes, the rate
 * limiter in the context, the WebSocket server), without sign-in, in-process on a free port, from
 * the environment `env` (as the config loader reads it). Its subgraphs are not running: what these tests send is
 * refused or answered before any subgraph would be asked.
 */
export async function startTestGateway(env: Record<string, string> = {}, prefix = unique("rl")) {
  // Production needs real sign-in settings (no dev tokens); the key signs subgraph tokens.
  const config = loadGatewayConfig({
    REDIS_URL: TEST_REDIS_URL,
    ...gatewayTestEnv({ production: env.NODE_ENV === "production" }),
    ...env,
  });
  // Port 0 and loopback: the test's own free port.
  const served = await serveGateway({
    config: { ...config, port: 0, host: "127.0.0.1" },
    gateway: createGateway({ ...config, logger }),
    logger,
    prefix,
  });
  const { http } = served;
  return {
    url: http.url,
    base: http.url.replace(/\/graphql$/, ""),
    prefix,
    stop: served.stop,
  };
}

/** Budgets small enough for a test to exhaust. */
export const rateLimitEnv = (limits: Partial<RateLimitConfig>) => ({
  RATE_LIMIT_ENABLED: String(limits.enabled ?? true),
  ...(limits.perMinute ? { RATE_LIMIT_PER_MINUTE: String(limits.perMinute) } : {}),
  ...(limits.anonymousPerMinute
    ? { RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(limits.anonymousPerMinute) }
    : {}),
});

/** A POST to `/graphql` as a client sends it; status, headers and JSON body. */
export async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    },
  };
}

export interface WsOutcome {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  data?: unknown;
}

/**
 * One operation over a fresh graphql-ws connection (connected first, so that the time measured
 * is the operation's own); resolves with its first result or its errors.
 */
export async function overWebSocket(url: string, query: string) {
  const client = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
  });
  await new Promise<void>((resolve, reject) => {
    const off = client.on("connected", () => {
      off();
      resolve();
    });
    client.on("error", reject);
  });
  const started = performance.now();
  const outcome = await new Promise<WsOutcome>((resolve) => {
    client.subscribe(
      { query },
      {
        next: (value) => resolve(value as WsOutcome),
        error: (error) =>
          resolve({ errors: Array.isArray(error) ? error : [{ message: String(error) }] }),
        complete: () => resolve({}),
      },
    );
  });
  const elapsedMs = performance.now() - started;
  await client.dispose();
  return { outcome, elapsedMs };
}
