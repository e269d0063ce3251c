import { describe, expect, it } from "vitest";
import { percentile, percentiles, Stats } from "../src/harness/stats.ts";

describe("percentiles", () => {
  it("are nearest-rank over the sorted samples", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1…100, unsorted
    expect(percentiles(samples)).toEqual({ p50: 50, p90: 90, p95: 95, p99: 99, max: 100 });
    expect(percentile([], 95)).toBe(0);
    expect(percentiles([7])).toEqual({ p50: 7, p90: 7, p95: 7, p99: 7, max: 7 });
    expect(percentiles([1, 2, 3, 4])).toMatchObject({ p50: 2, p90: 4, max: 4 });
  });
});

describe("Stats", () => {
  it("counts per operation and keeps expected codes apart from unexpected ones", () => {
    let now = 1_000_000;
    const stats = new Stats(() => now);
    stats.request("ReserveStock", 10, now);
    stats.request("ReserveStock", 30, now, {
      code: "INSUFFICIENT_STOCK",
      expected: true,
      message: "",
    });
    stats.request("ReserveStock", 20, now + 1500, {
      code: "INTERNAL_SERVER_ERROR",
      expected: false,
      message: "boom",
    });
    now += 2000;
    const snap = stats.snapshot();
    expect(snap.totals).toMatchObject({ requests: 3, failures: 1, expectedFailures: 1 });
    expect(snap.totals.errorRate).toBeCloseTo(1 / 3);
    expect(snap.operations[0]).toMatchObject({
      name: "ReserveStock",
      count: 3,
      failures: 1,
      expectedFailures: 1,
      max: 30,
    });
    expect(snap.errors.map((e) => [e.code, e.expected])).toEqual([
      ["INTERNAL_SERVER_ERROR", false],
      ["INSUFFICIENT_STOCK", true],
    ]);
    expect(stats.series()).toEqual([
      { t: 0, requests: 2, failures: 0, p95: 30 },
      { t: 1, requests: 1, failures: 1, p95: 20 },
    ]);
  });

  it("records journeys started, completed and aborted by step and code", () => {
    const stats = new Stats();
    stats.journeyStarted("j", "ordering");
    stats.journeyStarted("j", "ordering");
    stats.journeyCompleted("j", "ordering", 120);
    stats.journeyAborted("j", "ordering", "ConfirmOrder", "CONFLICT", true, "moved");
    const [j] = stats.snapshot().journeys;
    expect(j).toMatchObject({ started: 2, completed: 1, aborted: 1, p50: 120 });
    expect(j?.aborts).toEqual([
      { step: "ConfirmOrder", code: "CONFLICT", expected: true, count: 1, message: "moved" },
    ]);
  });
});
