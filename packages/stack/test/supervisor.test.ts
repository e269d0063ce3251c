import { describe, expect, it } from "vitest";
import { CrashHistory } from "../src/supervisor.ts";

const policy = { maxRestarts: 3, windowMs: 10_000, initialDelayMs: 100, maxDelayMs: 350 };

describe("CrashHistory", () => {
  it("restarts with a doubling delay, capped", () => {
    const history = new CrashHistory(policy);
    expect(history.crashed(0)).toEqual({ restart: true, delayMs: 100, recentCrashes: 1 });
    expect(history.crashed(1_000)).toEqual({ restart: true, delayMs: 200, recentCrashes: 2 });
    expect(history.crashed(2_000)).toEqual({ restart: true, delayMs: 350, recentCrashes: 3 });
  });

  it("gives up after more crashes within the window than the policy tolerates", () => {
    const history = new CrashHistory(policy);
    for (const t of [0, 1_000, 2_000]) expect(history.crashed(t).restart).toBe(true);
    expect(history.crashed(3_000)).toEqual({ restart: false, recentCrashes: 4 });
  });

  it("forgets crashes older than the window", () => {
    const history = new CrashHistory(policy);
    for (const t of [0, 1_000, 2_000]) history.crashed(t);
    // The first three are older than 10 s by now: this is the first crash of a new window.
    expect(history.crashed(12_500)).toEqual({ restart: true, delayMs: 100, recentCrashes: 1 });
  });
});
