import { describe, expect, it } from "vitest";
import { VerifiedTokens } from "./verified-tokens.ts";

describe("VerifiedTokens", () => {
  it("keeps a token until its exp or maxAgeMs, whichever comes first", () => {
    const cache = new VerifiedTokens<string>(10, 60_000);
    cache.set("a", "alice", 1_000 + 5_000, 1_000);
    cache.set("b", "bob", null, 1_000);
    expect(cache.get("a", 5_999)).toBe("alice");
    expect(cache.get("a", 6_000)).toBeUndefined();
    expect(cache.get("b", 60_999)).toBe("bob");
    expect(cache.get("b", 61_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("never keeps an expired token, and forgets the oldest beyond max", () => {
    const cache = new VerifiedTokens<number>(2, 60_000);
    cache.set("old", 0, 500, 1_000);
    expect(cache.size).toBe(0);
    cache.set("x", 1, null, 0);
    cache.set("y", 2, null, 0);
    cache.set("z", 3, null, 0);
    expect([cache.get("x", 1), cache.get("y", 1), cache.get("z", 1)]).toEqual([undefined, 2, 3]);
  });
});
