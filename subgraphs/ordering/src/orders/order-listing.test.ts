import { newId } from "@shopstream/outbox";
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parseOrdersArgs } from "./order-listing.ts";

const fields = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { extensions: { fields: { field: string }[] } }).extensions.fields.map(
      (f) => f.field,
    );
  }
  return null;
};

describe("orders listing arguments", () => {
  it("round-trips cursors and rejects foreign ones", () => {
    const key = { createdAt: "2026-11-24T10:00:00.000Z", id: newId() };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    for (const bad of [
      "",
      "!!",
      Buffer.from("x|y").toString("base64url"),
      Buffer.from("a|b|c").toString("base64url"),
    ]) {
      expect(decodeCursor(bad)).toBeNull();
    }
  });

  it("defaults first to 20 and reports every bad argument", () => {
    expect(parseOrdersArgs({})).toEqual({ customerId: null, status: null, first: 20, after: null });
    expect(parseOrdersArgs({ first: 100 }).first).toBe(100);
    expect(
      fields(() =>
        parseOrdersArgs({
          first: 101,
          after: "nope",
          filter: { customerId: "x", status: "LOST" as never },
        }),
      ),
    ).toEqual(["first", "after", "filter.customerId", "filter.status"]);
    expect(fields(() => parseOrdersArgs({ first: -1 }))).toEqual(["first"]);
  });
});
