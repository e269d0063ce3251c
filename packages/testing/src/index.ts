import { randomUUID } from "node:crypto";
import { type ContextName, contextDatabaseUrl } from "@shopstream/db";

/** The PostgreSQL server tests use: DATABASE_URL when set, else the local server. */
export const TEST_SERVER_URL =
  process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A context's test database (`shopstream_test_<context>`), migrated by the global setup.
 * `TEST_DB_NAMESPACE` (default `test`) gives a second checkout on the same machine its own.
 */
export function testDatabaseUrl(context: ContextName): string {
  return contextDatabaseUrl(TEST_SERVER_URL, context, {
    namespace: process.env.TEST_DB_NAMESPACE ?? "test",
  });
}

/**
 * The e2e stack's namespace: its databases are `shopstream_<namespace>_<context>` and its BullMQ
 * keys `shopstream-<namespace>`. `E2E_NAMESPACE` (default `e2e`) lets two e2e runs on one machine
 * (two checkouts, say) keep out of each other's way.
 */
export const E2E_NAMESPACE = process.env.E2E_NAMESPACE ?? "e2e";
export const E2E_QUEUE_PREFIX = `shopstream-${E2E_NAMESPACE.replaceAll("_", "-")}`;

/**
 * A context's database in the e2e stack (`shopstream_e2e_<context>`). The running stack's workers
 * react to every event in its databases, so integration tests must not share them.
 */
export function e2eDatabaseUrl(context: ContextName): string {
  return contextDatabaseUrl(TEST_SERVER_URL, context, { namespace: E2E_NAMESPACE });
}

/** A short unique suffix so that each test owns its data (emails, SKUs, external ids). */
export const unique = (prefix = "t") => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Minimal GraphQL-over-HTTP client for end-to-end tests (`headers`: e.g. `x-cart-token`). */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as {
    data?: T;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

/** A TCP port that was free a moment ago (for servers a test starts). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/**
 * `count` consecutive free TCP ports, chosen below Linux's ephemeral range (32768+) so that the
 * outgoing connections of concurrently running tests cannot take one between check and use.
 */
export async function freePortRange(count: number): Promise<number> {
  const { createServer } = await import("node:net");
  const isFree = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    let free = true;
    for (let i = 0; i < count && free; i++) free = await isFree(base + i);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/**
 * The webhook secret the e2e stack's payments service and simulated provider share, so a test
 * can sign a provider report itself (a replayed or late webhook).
 */
export const E2E_WEBHOOK_SECRET = "shopstream-e2e-webhook-secret";

// The e2e helpers are a subpath of their own (`@shopstream/testing/e2e-shop`): they import this module.
export * from "./internal-auth.ts";
export * from "./kit.ts";
