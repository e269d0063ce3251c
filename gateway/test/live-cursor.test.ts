import { domainError } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { decodeLiveCursor, encodeLiveCursor } from "../src/live/cursor.ts";

/** The DomainError decoding `cursor` as one of `context`'s throws. */
const refusal = (cursor: string, context: string) =>
  domainError(() => decodeLiveCursor(cursor, context));

const raw = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("live cursors", () => {
  it("round-trip a stream id through an opaque, URL-safe token", () => {
    for (const id of [
      "0-0",
      "1-0",
      "1732406400000-7",
      "18446744073709551615-18446744073709551615",
    ]) {
      const cursor = encodeLiveCursor("ordering", id);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).not.toContain(id);
      expect(decodeLiveCursor(cursor, "ordering")).toBe(id);
    }
  });

  it("refuses another context's cursor with VALIDATION_FAILED naming `after`", () => {
    const error = refusal(encodeLiveCursor("inventory", "1732406400000-0"), "ordering");
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.extensions.fields).toEqual([
      { field: "after", message: "is not a cursor of ordering's live events" },
    ]);
    expect(error.message).toContain("after");
  });

  it.each([
    ["an empty string", ""],
    ["base64 of a word", raw("nope")],
    ["characters outside base64url", "!!!*"],
    ["another version", raw("live2:ordering:1-0")],
    ["no stream id", raw("live1:ordering")],
    ["a stream id without a sequence", raw("live1:ordering:1732406400000")],
    ["a stream id with letters", raw("live1:ordering:12ab-0")],
    ["a stream id with three parts", raw("live1:ordering:1-0-0")],
    ["a stream id too long for Redis", raw(`live1:ordering:${"9".repeat(21)}-0`)],
    ["a negative stream id", raw("live1:ordering:-1-0")],
    ["anything after the stream id", raw("live1:ordering:1-0:junk")],
  ])("refuses %s with VALIDATION_FAILED naming `after`", (_name, cursor) => {
    const error = refusal(cursor, "ordering");
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.extensions.fields).toEqual([expect.objectContaining({ field: "after" })]);
  });
});
