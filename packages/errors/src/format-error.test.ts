import { describe, expect, it } from "vitest";
import { DomainError } from "./domain-error.ts";
import { createErrorFormatter } from "./format-error.ts";

const logged: Record<string, unknown>[] = [];
const format = createErrorFormatter({ error: (message, d) => void logged.push({ message, ...d }) });

describe("createErrorFormatter", () => {
  it("keeps a domain error's code and extensions", () => {
    const error = DomainError.notFound("Order", "o-1");
    expect(format({ message: "x", path: ["order"] }, { originalError: error })).toEqual({
      message: "Order o-1 was not found",
      path: ["order"],
      extensions: { entity: "Order", id: "o-1", code: "NOT_FOUND" },
    });
  });

  it("replaces an unexpected error (Apollo labels it INTERNAL_SERVER_ERROR) and logs it", () => {
    const boom = new Error('relation "orders" does not exist at /srv/app/db.ts:12');
    const out = format(
      { message: boom.message, path: ["order"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      { originalError: boom },
    );
    const correlationId = out.extensions?.correlationId;
    expect(out).toEqual({
      message: `Internal error (correlation id ${String(correlationId)})`,
      path: ["order"],
      extensions: { code: "INTERNAL_SERVER_ERROR", correlationId: expect.any(String) },
    });
    expect(logged.at(-1)).toMatchObject({ correlationId, error: expect.stringMatching(/orders/) });
  });

  it("answers a failure the caller calls unavailable as SERVICE_UNAVAILABLE, retryable", () => {
    const busy = new Error("timeout exceeded when trying to connect");
    const withBusy = createErrorFormatter(
      { error: (message, d) => void logged.push({ message, ...d }) },
      { unavailable: (e) => e === busy },
    );
    const before = logged.length;
    expect(
      withBusy({ message: busy.message, path: ["placeOrder"] }, { originalError: busy }),
    ).toEqual({
      message: "The database is busy; retry shortly",
      path: ["placeOrder"],
      extensions: { code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 1 },
    });
    expect(logged.length).toBe(before);
    const other = new Error("boom");
    expect(withBusy({ message: "boom" }, { originalError: other }).extensions?.code).toBe(
      "INTERNAL_SERVER_ERROR",
    );
  });

  it("passes on an internal error already answered upstream (its correlation id kept)", () => {
    const relayed = {
      message: "Internal error (correlation id abc)",
      extensions: { code: "INTERNAL_SERVER_ERROR", correlationId: "abc" },
    };
    expect(format(relayed, new Error(relayed.message))).toEqual(relayed);
  });

  it("passes Apollo's request errors through without a stack", () => {
    const out = format(
      { message: "Syntax Error", extensions: { code: "GRAPHQL_PARSE_FAILED", stacktrace: ["at"] } },
      new Error("Syntax Error"),
    );
    expect(out).toEqual({ message: "Syntax Error", extensions: { code: "GRAPHQL_PARSE_FAILED" } });
  });
});
