import { describe, expect, it } from "vitest";
import {
  isDatabaseUnavailable,
  isRetryableTransactionError,
  isTransactionStartTimeout,
} from "./prisma-errors.ts";

// Error shapes as Prisma 7 raises them through the pg driver adapter (the PostgreSQL error is
// nested in `meta.driverAdapterError` or `cause`).
const adapterError = (fields: Record<string, unknown>) =>
  Object.assign(new Error("driver adapter error"), {
    code: "P2010",
    meta: { driverAdapterError: { cause: fields } },
  });

describe("classifying database errors", () => {
  it("tells a pool with no connection free in time", () => {
    const timeout = Object.assign(
      new Error("Transaction API error: Unable to start a transaction in the given time."),
      { code: "P2028" },
    );
    expect(isTransactionStartTimeout(timeout)).toBe(true);
    expect(isDatabaseUnavailable(timeout)).toBe(true);
    expect(isRetryableTransactionError(timeout)).toBe(false);
  });

  it("tells a pool wait that ran out (pg's connectionTimeoutMillis), raw or under Prisma", () => {
    const raw = new Error("timeout exceeded when trying to connect");
    for (const error of [raw, Object.assign(new Error("driver adapter error"), { cause: raw })]) {
      expect(isTransactionStartTimeout(error)).toBe(true);
      expect(isDatabaseUnavailable(error)).toBe(true);
    }
  });

  it("tells a database that is away or refusing connections", () => {
    for (const error of [
      adapterError({ originalCode: "57P01", kind: "postgres" }),
      adapterError({ originalCode: "53300", kind: "postgres" }),
      adapterError({ kind: "DatabaseNotReachable" }),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }),
      new Error("Connection terminated unexpectedly"),
    ])
      expect(isDatabaseUnavailable(error), String(error)).toBe(true);
  });

  it("leaves the event's own failures alone", () => {
    for (const error of [
      adapterError({ originalCode: "23505", kind: "UniqueConstraintViolation" }),
      adapterError({ originalCode: "40P01", kind: "postgres" }),
      new Error("widget store temporarily unavailable"),
    ])
      expect(isDatabaseUnavailable(error), String(error)).toBe(false);
  });
});
