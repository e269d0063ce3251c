import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import type { RunResult } from "../src/report/model.ts";
import { main } from "../src/run.ts";

// The smoke profile for real, shortened to 20 s, against the e2e stack: every journey class of
// the mixed workload through the gateway and the provider's hooks, then the invariants.
describe("pnpm load smoke against the e2e stack", () => {
  it("passes its thresholds and every invariant", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loadtest-smoke-"));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      [
        "smoke",
        "--duration",
        "20s",
        "--headless",
        "--report",
        dir,
        "--gateway",
        inject("gatewayUrl"),
        "--provider",
        inject("serviceUrls")["payment-provider"]!,
      ],
      { stdout: (l) => void out.push(l), stderr: (l) => void err.push(l) },
    );
    const result = JSON.parse(readFileSync(join(dir, "results.json"), "utf8")) as RunResult;
    expect(
      { code, err, failed: result.invariants.filter((i) => i.status === "fail") },
      out.join("\n"),
    ).toEqual({
      code: 0,
      err: [],
      failed: [],
    });
    expect(result.stats.totals.requests).toBeGreaterThan(20);
    expect(result.stats.journeys.some((j) => j.completed > 0)).toBe(true);
    expect(result.invariants.find((i) => i.name.startsWith("orders consistent"))?.status).toBe(
      "pass",
    );
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("# Load test: smoke — PASSED");
  }, 180_000);
});
