import { DomainError } from "@shopstream/errors";
import { describe, expect, it } from "vitest";
import { encodeCursor, idCursor, parsePage, timeIdCursor, toConnection } from "./index.ts";

const ID = "0192f0a4-7b3c-7def-8abc-0123456789ab";

function fields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return ((error as DomainError).extensions.fields as { field: string }[]).map((f) => f.field);
  }
  throw new Error("expected VALIDATION_FAILED");
}

describe("page arguments", () => {
  const cursors = idCursor("products");

  it("defaults to 20 from the start and accepts 0 to 100", () => {
    expect(parsePage({}, cursors)).toEqual({ first: 20, after: null });
    expect(parsePage({ first: 0 }, cursors).first).toBe(0);
    expect(parsePage({ first: 100 }, cursors).first).toBe(100);
  });

  it("names `first`, `after` and the list's own problems together", () => {
    expect(fields(() => parsePage({ first: 101 }, cursors))).toEqual(["first"]);
    expect(fields(() => parsePage({ first: -1, after: "!!" }, cursors))).toEqual([
      "first",
      "after",
    ]);
    expect(
      fields(() => parsePage({ after: "x" }, cursors, [{ field: "filter.status", message: "?" }])),
    ).toEqual(["after", "filter.status"]);
  });

  it("refuses another list's cursor and garbage, and reads its own in any case", () => {
    expect(fields(() => parsePage({ after: idCursor("orders").encode(ID) }, cursors))).toEqual([
      "after",
    ]);
    expect(fields(() => parsePage({ after: encodeCursor("products", ["nope"]) }, cursors))).toEqual(
      ["after"],
    );
    expect(parsePage({ after: cursors.encode(ID.toUpperCase()) }, cursors).after).toBe(ID);
  });

  it("round-trips a time-and-id key", () => {
    const codec = timeIdCursor("orders");
    const key = { at: "2026-12-02T05:30:00.000Z", id: ID };
    expect(codec.decode(codec.encode(key))).toEqual(key);
    expect(codec.decode(encodeCursor("orders", ["yesterday", ID]))).toBeNull();
  });
});

describe("toConnection", () => {
  it("uses the extra row only to say there is a next page", () => {
    const c = toConnection(["a", "b", "c"], { first: 2, after: null }, (r) => `c-${r}`, 7);
    expect(c.edges.map((e) => e.node)).toEqual(["a", "b"]);
    expect(c.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: "c-a",
      endCursor: "c-b",
    });
    expect(c.totalCount).toBe(7);
  });

  it("an empty page after a cursor has no cursors and a previous page", () => {
    const c = toConnection([], { first: 5, after: "x" }, String, 3);
    expect(c.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: null,
      endCursor: null,
    });
  });
});
