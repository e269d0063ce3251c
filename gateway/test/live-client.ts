import { pollUntil } from "@shopstream/testing/kit";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

export interface LiveResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** The gateway's WebSocket URL for its HTTP GraphQL URL. */
export const wsUrlOf = (gatewayUrl: string) => gatewayUrl.replace(/^http/, "ws");

/**
 * A graphql-ws client on the gateway, as a dashboard would open one. `connectionParams` is
 * `connection_init`'s payload, or a function giving it (graphql-ws calls it on every connect, so
 * it may mint a fresh token).
 */
export function liveClient(
  gatewayUrl: string,
  connectionParams: Record<string, unknown> | (() => Promise<Record<string, unknown>>) = {},
) {
  return createClient({
    url: wsUrlOf(gatewayUrl),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

/**
 * One subscription's results, collected as they arrive; `until` waits (with a deadline) for a
 * condition on them. `ended` says whether the server completed it or failed it.
 */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: LiveResult<T>[] = [];
  const state = { ended: false, error: undefined as unknown };
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        results.push(value as LiveResult<T>);
      },
      error: (error) => {
        state.error = error;
        state.ended = true;
      },
      complete: () => {
        state.ended = true;
      },
    },
  );
  /** The results once `done` holds for them; throws if the subscription ends first. */
  const until = async (
    done: (r: LiveResult<T>[]) => boolean,
    timeoutMs = 20_000,
    what = "results",
  ) => {
    await pollUntil(
      what,
      () => results,
      (rs) => done(rs) || state.ended,
      {
        timeoutMs,
        intervalMs: 10,
      },
    );
    if (!done(results)) {
      throw new Error(
        `subscription ended before ${what}: ${JSON.stringify({ results, error: describeError(state.error) })}`,
      );
    }
    return results;
  };
  return { results, state, until, unsubscribe };
}

/** graphql-ws reports protocol errors as an array of GraphQL errors, socket failures as events. */
export function describeError(error: unknown): unknown {
  if (Array.isArray(error)) return error;
  if (error && typeof error === "object" && "code" in error) {
    const e = error as { code: number; reason: string };
    return { code: e.code, reason: e.reason };
  }
  return error instanceof Error ? error.message : error;
}
