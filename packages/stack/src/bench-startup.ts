/**
 * `pnpm bench:startup`: the time from running the start command to the first answered query,
 * on embedded PostgreSQL (a fresh, empty data folder, so migrations run) and on the real server.
 * Prints figures; asserts nothing. Uses ports 16000+ so a running dev stack is not disturbed.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "./stack.ts";

const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const QUERY = JSON.stringify({
  // A public read (anonymous callers may ask it): a product that does not exist.
  query: '{ product(id: "01900000-0000-7000-8000-000000000000") { id } }',
});

async function measure(label: string, env: Record<string, string>) {
  const portBase = 16000;
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "packages/stack/src/cli.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT_BASE: String(portBase), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let answeredMs: number | undefined;
  while (
    answeredMs === undefined &&
    child.exitCode === null &&
    performance.now() - started < 120_000
  ) {
    try {
      const res = await fetch(`http://127.0.0.1:${portBase}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: QUERY,
      });
      const body = (await res.json()) as { data?: { product: null } };
      if (body.data && body.data.product === null) answeredMs = performance.now() - started;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const stopAt = performance.now();
  child.kill("SIGINT");
  const code = await exited;
  const stopMs = performance.now() - stopAt;
  if (answeredMs === undefined) {
    console.error(`${label}: no answer within 120 s\n${output}`);
    process.exitCode = 1;
    return;
  }
  console.log(
    `${label.padEnd(28)} first answered query after ${(answeredMs / 1000).toFixed(2)} s; ` +
      `Ctrl-C stopped everything in ${(stopMs / 1000).toFixed(2)} s (exit ${code})`,
  );
}

const dataDir = mkdtempSync(join(tmpdir(), "shopstream-bench-"));
try {
  await measure("embedded PGlite (cold)", {
    DATABASE_URL: "",
    EMBEDDED_PG_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: "16500",
  });
  await measure("embedded PGlite (warm)", {
    DATABASE_URL: "",
    EMBEDDED_PG_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: "16500",
  });
  await measure("real PostgreSQL", { DATABASE_URL: SERVER_URL });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
