import { afterEach, describe, expect, it, vi } from "vitest";
import { Admission } from "./admission.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("Admission", () => {
  it("admits up to maxInFlight at once, queues up to maxQueued, refuses the rest at once", async () => {
    const admission = new Admission({ maxInFlight: 2, maxQueued: 1, queueTimeoutMs: 10_000 });
    expect(await admission.acquire()).toBe(true);
    expect(await admission.acquire()).toBe(true);
    const queued = admission.acquire();
    expect(admission.queued).toBe(1);
    expect(await admission.acquire()).toBe(false);
    admission.release();
    expect(await queued).toBe(true);
    expect(admission.inFlight).toBe(2);
    expect(admission.queued).toBe(0);
  });

  it("hands a released slot to the longest waiter first", async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueued: 5, queueTimeoutMs: 10_000 });
    await admission.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) => admission.acquire().then(() => order.push(n)));
    for (let i = 0; i < 3; i++) admission.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(admission.inFlight).toBe(1);
  });

  it("refuses a waiter whose wait ran out, and forgets it", async () => {
    vi.useFakeTimers();
    const admission = new Admission({ maxInFlight: 1, maxQueued: 5, queueTimeoutMs: 500 });
    await admission.acquire();
    const waiting = admission.acquire();
    vi.advanceTimersByTime(499);
    expect(admission.queued).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await waiting).toBe(false);
    expect(admission.queued).toBe(0);
    admission.release();
    expect(admission.inFlight).toBe(0);
  });
});
