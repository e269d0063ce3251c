import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "@shopstream/testing/kit";
import { afterEach, describe, expect, it } from "vitest";

// A real child process run the way the stack orchestrator runs a service: with an IPC channel
// that is its lifeline.
const FIXTURE = fileURLToPath(new URL("./fixtures/slow-start.ts", import.meta.url));

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

function startService(startMs: number) {
  const messages: string[] = [];
  child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
    env: { ...process.env, START_MS: String(startMs) },
    stdio: ["ignore", "ignore", "ignore", "ipc"],
  });
  child.on("message", (m) => messages.push(String(m)));
  const exited = new Promise<number | null>((resolve) => child!.once("exit", resolve));
  return { child, messages, exited };
}

describe("runService and its orchestrator", () => {
  it("exits when the orchestrator goes away while the service is still starting", async () => {
    const service = startService(60_000);
    await waitFor("the service to start starting", () => service.messages.includes("starting"), {
      timeoutMs: 20_000,
    });
    service.child.disconnect();
    expect(await service.exited).toBe(1);
    expect(service.messages).not.toContain("started");
  });

  it("stops cleanly when the orchestrator goes away after the start", async () => {
    const service = startService(10);
    await waitFor("the service to be started", () => service.messages.includes("started"), {
      timeoutMs: 20_000,
    });
    service.child.disconnect();
    expect(await service.exited).toBe(0);
  });
});
