import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Barrier } from "../src/harness/barrier.ts";

describe("Barrier", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("holds callers until N arrived, then releases them together", async () => {
    const barrier = new Barrier(3, 10_000);
    const released: number[] = [];
    const a = barrier.wait().then((r) => released.push(r.parties));
    const b = barrier.wait().then((r) => released.push(r.parties));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(released).toEqual([]);
    expect(barrier.arrived).toBe(2);
    const c = barrier.wait().then((r) => released.push(r.parties));
    await Promise.all([a, b, c]);
    expect(released).toEqual([3, 3, 3]);
    expect(barrier.arrived).toBe(0);
  });

  it("starts a new generation after each release", async () => {
    const onRelease = vi.fn();
    const barrier = new Barrier(2, 10_000, undefined, onRelease);
    const first = await Promise.all([barrier.wait(), barrier.wait()]);
    const second = await Promise.all([barrier.wait(), barrier.wait()]);
    expect(first.map((r) => r.generation)).toEqual([0, 0]);
    expect(second.map((r) => r.generation)).toEqual([1, 1]);
    expect(onRelease).toHaveBeenCalledTimes(2);
  });

  it("releases an incomplete generation at the timeout or on stop", async () => {
    const barrier = new Barrier(5, 1_000);
    const p = barrier.wait();
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(p).resolves.toMatchObject({ parties: 1, full: false });

    const stop = new AbortController();
    const stopped = new Barrier(5, 60_000, stop.signal);
    const q = stopped.wait();
    stop.abort();
    await expect(q).resolves.toMatchObject({ parties: 1, full: false });
  });
});
