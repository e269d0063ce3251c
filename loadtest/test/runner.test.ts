import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ANONYMOUS_USER } from "../src/harness/client.ts";
import { newTracker, type RunEnv, step } from "../src/harness/journey.ts";
import { pick, Runner } from "../src/harness/runner.ts";
import { Stats } from "../src/harness/stats.ts";
import { between, constant, drawWait } from "../src/harness/time.ts";

const envWith = (stop: AbortController): RunEnv => ({
  client: undefined as never,
  provider: undefined as never,
  tokenFor: () => undefined,
  stats: new Stats(),
  tracker: newTracker(),
  signal: stop.signal,
  shared: new Map(),
  users: 2,
  settleTimeoutMs: 1000,
});

describe("wait times", () => {
  it("draws uniformly between min and max, or a constant", () => {
    expect(drawWait(between(0.5, 2), () => 0)).toBe(500);
    expect(drawWait(between(0.5, 2), () => 0.999999)).toBeCloseTo(2000, 0);
    expect(drawWait(constant(0.2), Math.random)).toBe(200);
    for (let i = 0; i < 1000; i++) {
      const w = drawWait(between(1, 3));
      expect(w).toBeGreaterThanOrEqual(1000);
      expect(w).toBeLessThanOrEqual(3000);
    }
  });

  it("picks journeys by weight", () => {
    const items = [
      { weight: 3, n: "a" },
      { weight: 1, n: "b" },
    ];
    expect(pick(items, () => 0.74).n).toBe("a");
    expect(pick(items, () => 0.76).n).toBe("b");
  });
});

describe("Runner", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("spawns users at the spawn rate and keeps each class's wait between journeys", async () => {
    const stop = new AbortController();
    const env = envWith(stop);
    const starts: Record<number, number[]> = {};
    const runner = new Runner({
      users: 2,
      spawnRate: 1,
      durationMs: 5_500,
      stop,
      env,
      settleMs: 1000,
      userClass: {
        name: "test",
        wait: constant(1),
        journeys: [
          {
            weight: 1,
            make: () => ({
              name: "tick",
              context: "test",
              steps: [
                step("tick", ANONYMOUS_USER, async (ctx) => {
                  const list = starts[ctx.user.id] ?? [];
                  list.push(Date.now());
                  starts[ctx.user.id] = list;
                }),
              ],
            }),
          },
        ],
      },
    });
    const done = runner.run();
    await vi.advanceTimersByTimeAsync(7_000);
    await done;
    expect(starts[0]).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(starts[1]).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(env.stats.snapshot().journeys[0]).toMatchObject({ started: 11, completed: 11 });
    expect(env.stats.users).toBe(0);
  });

  it("stops users on the stop signal and parks them while paused", async () => {
    const stop = new AbortController();
    const env = envWith(stop);
    let runs = 0;
    const runner = new Runner({
      users: 1,
      spawnRate: 1,
      durationMs: 60_000,
      stop,
      env,
      userClass: {
        name: "t",
        wait: constant(1),
        journeys: [
          {
            weight: 1,
            make: () => ({
              name: "n",
              context: "t",
              steps: [step("s", ANONYMOUS_USER, async () => void runs++)],
            }),
          },
        ],
      },
    });
    const done = runner.run();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(runs).toBe(3);
    runner.pause();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(3); // parked before its next journey
    runner.resume();
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toBe(4);
    stop.abort();
    await vi.advanceTimersByTimeAsync(10);
    await done;
    expect(runs).toBe(4);
  });
});
