import { CONTEXTS } from "@shopstream/db";
import { loadSubgraphConfig } from "@shopstream/service";
import { loadWorkersConfig } from "@shopstream/workers/config";
import { consumerPoolPlans } from "@shopstream/workers/consumers";
import { describe, expect, it } from "vitest";
import { SUBGRAPH_SPECS } from "../src/services.ts";

// PostgreSQL allows 100 connections unless configured otherwise, and every process of the stack
// draws on that one server. When the pools together could open more, a burst of load (a flash
// sale: every subgraph and consumer busy at once) made the server refuse connections and requests
// failed; the flash-sale e2e test (gateway/test/races/) hit exactly that.

const SERVER = "postgres://postgres@127.0.0.1:5432/postgres";
const POSTGRES_DEFAULT_MAX_CONNECTIONS = 100;

/** Connections the workers open besides the consumers' pools (workers/src): per context. */
const RELAY_POOL = 2; // relay.ts: claims and cleanup
const RELAY_LISTENER = 1; // relay.ts: LISTEN outbox_inserted
const READINESS_POOL = 1; // main.ts: /ready checks

function stackConnections(env: Record<string, string>): number {
  const subgraphs = SUBGRAPH_SPECS.reduce(
    (sum, s) => sum + loadSubgraphConfig(s.context!, env).databasePoolSize,
    0,
  );
  const workers = loadWorkersConfig(env);
  // The consumers' pools: one per context they write to, sized with their transactions.
  const plans = consumerPoolPlans({
    poolSize: workers.databasePoolSize,
    transactions: workers.consumerTransactions,
  });
  return (
    subgraphs +
    Object.values(plans).reduce((sum, p) => sum + p.poolSize, 0) +
    CONTEXTS.length * (RELAY_POOL + RELAY_LISTENER + READINESS_POOL)
  );
}

describe("the stack's database connection budget", () => {
  it("fits PostgreSQL's default limit with room to spare, however many jobs run at once", () => {
    for (const concurrency of ["16", "64", "500"]) {
      const total = stackConnections({ DATABASE_URL: SERVER, CONSUMER_CONCURRENCY: concurrency });
      expect(total, `CONSUMER_CONCURRENCY=${concurrency}`).toBeLessThanOrEqual(
        0.8 * POSTGRES_DEFAULT_MAX_CONNECTIONS,
      );
    }
  });

  it("is set with DATABASE_POOL_SIZE, per process and database", () => {
    const env = { DATABASE_URL: SERVER, DATABASE_POOL_SIZE: "11" };
    expect(loadSubgraphConfig("ordering", env).databasePoolSize).toBe(11);
    expect(loadWorkersConfig(env).databasePoolSize).toBe(11);
    expect(stackConnections(env)).toBe(5 * 11 + 4 * 11 + 5 * 4);
    // Too small for the five payments consumers to have a transaction each: refused, not queued.
    expect(() => stackConnections({ DATABASE_URL: SERVER, DATABASE_POOL_SIZE: "3" })).toThrow(
      /payments's database/,
    );
    expect(() => loadWorkersConfig({ DATABASE_URL: SERVER, DATABASE_POOL_SIZE: "0" })).toThrow(
      /DATABASE_POOL_SIZE/,
    );
  });
});
