import { ConfigError } from "@shopstream/config";
import { describe, expect, it } from "vitest";
import { planPools } from "./pool-plan.ts";

const counts = { identity: 1, inventory: 2, ordering: 5, payments: 5, catalogue: 0 };

describe("sizing the consumers' pools and transactions from one another", () => {
  it("derives the pools from two transactions per consumer when neither is set", () => {
    const plan = planPools(counts, {});
    expect(plan.payments).toEqual({ poolSize: 11, transactions: 2 });
    expect(plan.identity).toEqual({ poolSize: 3, transactions: 2 });
  });

  it("derives the pools from the transactions when only they are set", () => {
    expect(planPools(counts, { transactions: 4 }).inventory).toEqual({
      poolSize: 9,
      transactions: 4,
    });
  });

  it("derives the transactions from the pool when only it is set", () => {
    const plan = planPools(counts, { poolSize: 12 });
    expect(plan.identity).toEqual({ poolSize: 12, transactions: 11 });
    expect(plan.payments).toEqual({ poolSize: 12, transactions: 2 });
  });

  it("accepts both when the pool holds every consumer's transactions and a spare connection", () => {
    expect(planPools(counts, { poolSize: 11, transactions: 2 }).ordering).toEqual({
      poolSize: 11,
      transactions: 2,
    });
  });

  it("refuses a pool too small for the transactions, naming the context and the size needed", () => {
    expect(() => planPools(counts, { poolSize: 6, transactions: 16 })).toThrow(ConfigError);
    expect(() => planPools(counts, { poolSize: 6, transactions: 16 })).toThrow(
      /payments's database with 16 transaction\(s\) each: it needs at least 81/,
    );
  });

  it("refuses a pool that cannot give each consumer one transaction", () => {
    expect(() => planPools(counts, { poolSize: 5 })).toThrow(/it needs at least 6/);
  });
});
