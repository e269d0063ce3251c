import { newId } from "@shopstream/outbox";
import { fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { ORDER_CURSORS, orderCursor, parseOrdersArgs } from "./order-listing.ts";

describe("orders listing arguments", () => {
  it("round-trips cursors and rejects foreign ones", () => {
    const row = { createdAt: new Date("2026-11-24T10:00:00.000Z"), id: newId() };
    expect(ORDER_CURSORS.decode(orderCursor(row))).toEqual({
      at: row.createdAt.toISOString(),
      id: row.id,
    });
    for (const bad of [
      "",
      "!!",
      Buffer.from("x|y").toString("base64url"),
      Buffer.from("a|b|c").toString("base64url"),
      Buffer.from(`orders|not a time|${row.id}`).toString("base64url"),
    ]) {
      expect(ORDER_CURSORS.decode(bad)).toBeNull();
    }
  });

  it("defaults first to 20 and reports every bad argument", () => {
    expect(parseOrdersArgs({})).toEqual({ customerId: null, status: null, first: 20, after: null });
    expect(parseOrdersArgs({ first: 100 }).first).toBe(100);
    expect(
      fieldsOf(() =>
        parseOrdersArgs({
          first: 101,
          after: "nope",
          filter: { customerId: "x", status: "LOST" as never },
        }),
      ),
    ).toEqual(["first", "after", "filter.customerId", "filter.status"]);
    expect(fieldsOf(() => parseOrdersArgs({ first: -1 }))).toEqual(["first"]);
  });
});
