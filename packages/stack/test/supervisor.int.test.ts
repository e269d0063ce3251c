import { type ChildProcess, spawn } from "node:child_process";
import { waitFor } from "@shopstream/testing/kit";
import { afterEach, describe, expect, it } from "vitest";
import { type SupervisedProcess, supervise } from "../src/supervisor.ts";

// Real child processes: a long-running one (killed by the test) and one that always fails.
const sleeper = () => spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]);
const failing = () => spawn(process.execPath, ["-e", "process.exit(3)"]);
const fast = { maxRestarts: 2, windowMs: 60_000, initialDelayMs: 20, maxDelayMs: 50 };

let running: SupervisedProcess | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe("supervise", () => {
  it("restarts a process killed with SIGKILL, says so, and stops the new one on stop()", async () => {
    const lines: string[] = [];
    const fatal: unknown[] = [];
    const started: ChildProcess[] = [];
    running = supervise({
      name: "workers",
      start: () => {
        const child = sleeper();
        started.push(child);
        return child;
      },
      policy: fast,
      log: (line) => lines.push(line),
      restarting: () => true,
      onFatal: (failure) => fatal.push(failure),
    });
    const first = running.current();
    await waitFor("the first process", () => first.pid !== undefined, { timeoutMs: 5_000 });
    first.kill("SIGKILL");
    await waitFor(
      "a restarted process",
      () => started.length === 2 && started[1]!.pid !== undefined,
      { timeoutMs: 5_000 },
    );
    expect(running.current()).toBe(started[1]);
    expect(lines.join("\n")).toMatch(/workers exited \(signal SIGKILL\); restarting it in 20 ms/);
    expect(fatal).toEqual([]);
    const second = running.current();
    await running.stop();
    expect(second.exitCode !== null || second.signalCode !== null).toBe(true);
    running = undefined;
  });

  it("gives up loudly on a process that keeps crashing", async () => {
    const lines: string[] = [];
    const fatal: { service: string; code: number | null }[] = [];
    let starts = 0;
    running = supervise({
      name: "catalogue",
      start: () => {
        starts++;
        return failing();
      },
      policy: fast,
      log: (line) => lines.push(line),
      restarting: () => true,
      onFatal: (failure) => fatal.push(failure),
    });
    await waitFor("giving up", () => fatal.length === 1, { timeoutMs: 10_000 });
    // The first run and two restarts; the third crash within the window is one too many.
    expect(starts).toBe(3);
    expect(fatal[0]).toMatchObject({ service: "catalogue", code: 3 });
    expect(lines.at(-1)).toMatch(/catalogue exited \(code 3\) 3 times within 60 s; giving up/);
  });

  it("does not restart a process that dies while the stack is still starting", async () => {
    const fatal: unknown[] = [];
    let starts = 0;
    running = supervise({
      name: "gateway",
      start: () => {
        starts++;
        return failing();
      },
      policy: fast,
      log: () => {},
      restarting: () => false,
      onFatal: (failure) => fatal.push(failure),
    });
    await waitFor("the start-up failure", () => fatal.length === 1, { timeoutMs: 5_000 });
    expect(starts).toBe(1);
  });
});
