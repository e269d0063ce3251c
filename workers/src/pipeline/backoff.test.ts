import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

describe("backoffDelay", () => {
  const opts = { baseMs: 100, capMs: 10_000 };

  it("doubles the ceiling with every attempt", () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, opts, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it("jitters between half the ceiling and the ceiling", () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(200);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(300);
  });

  it("never exceeds the cap", () => {
    expect(backoffDelay(30, opts, () => 1)).toBe(10_000);
  });
});
