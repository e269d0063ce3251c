import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../src/run.ts";
import { closedPort, startStub } from "./stub-server.ts";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (l: string) => void out.push(l), stderr: (l: string) => void err.push(l) },
  };
};

/** A stub gateway failing every request (closed after the test), a report dir, captured output. */
async function failingRun() {
  const stub = await startStub(() => ({
    errors: [{ message: "boom", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
  }));
  cleanup.push(stub.close);
  return { stub, dir: mkdtempSync(join(tmpdir(), "loadtest-")), ...capture() };
}

/** A headless smoke run of `duration` against the stub, reporting into `dir`, settling 1 s. */
const headlessSmoke = (duration: string, dir: string, stub: { url: string; origin: string }) => [
  "smoke",
  "--headless",
  "--duration",
  duration,
  "--report",
  dir,
  "--settle",
  "1s",
  "--gateway",
  stub.url,
  "--provider",
  stub.origin,
];

describe("pnpm load", () => {
  it("exits 2 with one line, before any load, when the gateway is unreachable", async () => {
    const port = await closedPort();
    const { out, err, io } = capture();
    const code = await main(
      ["smoke", "--headless", "--gateway", `http://127.0.0.1:${port}/graphql`],
      io,
    );
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      new RegExp(`gateway unreachable at http://127.0.0.1:${port}/graphql \\(ECONNREFUSED\\)`),
    );
    expect(out).toEqual([]);
  });

  it("exits 2 with one line on an unknown profile or a bad option", async () => {
    for (const argv of [["nope"], ["smoke", "--users", "lots"]]) {
      const { err, io } = capture();
      expect(await main(argv, io)).toBe(2);
      expect(err).toHaveLength(1);
    }
  });

  it("exits 1 when a threshold fails, and still writes every report", async () => {
    const { stub, dir, out, io } = await failingRun();
    const code = await main([...headlessSmoke("2s", dir, stub), "--workers", stub.origin], io);
    expect(code).toBe(1);
    expect(out.find((l) => l.startsWith("threshold unexpected error rate"))).toMatch(
      /: FAIL \((0\.\d+|1) vs 0\)/,
    );
    expect(out.at(-1)).toBe("FAILED");
    for (const f of ["results.json", "stats.csv", "failures.csv", "report.md", "report.html"])
      expect(existsSync(join(dir, f))).toBe(true);
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results.passed).toBe(false);
    expect(results.stats.errors[0]).toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
      expected: false,
    });
    expect(readFileSync(join(dir, "report.md"), "utf8")).toContain("FAILED");
  }, 20_000);

  it("on Ctrl-C stops the users, settles and still writes the report", async () => {
    const { stub, dir, out, io } = await failingRun();
    const t0 = Date.now();
    const code = await main(headlessSmoke("10m", dir, stub), {
      ...io,
      onInterrupt(stop) {
        const timer = setTimeout(stop, 1500); // the user pressing Ctrl-C
        return () => clearTimeout(timer);
      },
    });
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(code).toBe(1);
    expect(out).toContain("stopping: letting in-flight steps settle…");
    const results = JSON.parse(readFileSync(join(dir, "results.json"), "utf8"));
    expect(results.stoppedEarly).toBe(true);
    expect(results.stats.totals.requests).toBeGreaterThan(0);
  }, 20_000);
});
