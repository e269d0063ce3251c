/**
 * `pnpm bench:startup`: the time from typing the start command (`npm start`, run exactly so) to
 * the first answered query, cold (an empty embedded-PostgreSQL data folder: migrations run) and
 * warm (the same folder again: installed, built, migrated), then on the real server. References,
 * measured in the same run with the same probe: the same warm start with every process run
 * through tsx (`START_WITH_TSX=1`, how it started before the build step), alternating with ours;
 * and `node -e` serving that one answer over HTTP, i.e. what starting any Node process costs on
 * this machine right now. Prints figures and ratios (to the references and to the 8 s target);
 * asserts nothing.
 *
 * Ports: BENCH_PORT_BASE (default 16000) for the stack, +500 for the embedded databases, +900 for
 * the reference, so a running dev stack is not disturbed. Set QUEUE_PREFIX to keep its queues
 * apart from another stack's on the same Redis.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { REPO_ROOT } from "./stack.ts";

const TARGET_S = 8;
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 16000);
const SERVER_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const QUERY = JSON.stringify({
  // A public read (anonymous callers may ask it): a product that does not exist.
  query: '{ product(id: "01900000-0000-7000-8000-000000000000") { id } }',
});
const ANSWER = JSON.stringify({ data: { product: null } });

interface Measurement {
  answeredS: number;
  stopS: number;
  code: number | null;
}

/** Polls `port` with the query until it answers `{ data: { product: null } }`, then SIGINTs. */
async function firstAnswer(child: ChildProcess, port: number, label: string) {
  const started = performance.now();
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let answeredMs: number | undefined;
  while (answeredMs === undefined && child.exitCode === null) {
    if (performance.now() - started > 300_000) break;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: QUERY,
      });
      const body = (await res.json()) as { data?: { product: null } };
      if (body.data && body.data.product === null) answeredMs = performance.now() - started;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  const stopAt = performance.now();
  // The start command's own process group: Ctrl-C in a terminal reaches npm and all it started.
  if (child.pid) process.kill(-child.pid, "SIGINT");
  const code = await exited;
  // npm exits before what it started has stopped: the stop ends when the whole process group is
  // gone (else the next start's first query would be answered by this stack's gateway).
  if (child.pid) await groupGone(child.pid);
  if (answeredMs === undefined) {
    const why = code === null ? "no answer within 300 s" : `exited with code ${code}`;
    console.error(`${label}: ${why}\n${output}`);
    process.exitCode = 1;
    return undefined;
  }
  const stopMs = performance.now() - stopAt;
  return { answeredS: answeredMs / 1000, stopS: stopMs / 1000, code } satisfies Measurement;
}

/** Resolves once no process of the group `pgid` is left (SIGKILLs it after 60 s). */
async function groupGone(pgid: number) {
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const deadline = performance.now() + 60_000;
  while (alive()) {
    if (performance.now() > deadline) process.kill(-pgid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `npm start`, as a user types it, with the given environment. */
function startCommand(env: Record<string, string>) {
  const child = spawn("npm", ["start"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT_BASE: String(PORT_BASE), LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return firstAnswer(child, PORT_BASE, "npm start");
}

/** The reference: a bare Node process that answers the same request. */
function bareNode() {
  const port = PORT_BASE + 900;
  const script = `require("node:http").createServer((q, s) => { q.resume(); q.on("end", () => s.end(${JSON.stringify(ANSWER)})); }).listen(${port}, "127.0.0.1")`;
  const child = spawn(process.execPath, ["-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return firstAnswer(child, port, "node -e");
}

const rows: { label: string; m: Measurement | undefined }[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "shopstream-bench-"));
const embedded = {
  DATABASE_URL: "",
  EMBEDDED_PG_DATA_DIR: dataDir,
  EMBEDDED_PG_PORT: String(PORT_BASE + 500),
};
try {
  const tsx = { ...embedded, START_WITH_TSX: "1" };
  rows.push({ label: "reference: node -e (before)", m: await bareNode() });
  rows.push({ label: "npm start, embedded, cold", m: await startCommand(embedded) });
  // Warm, alternating with the reference start (every process through tsx, as before).
  for (let round = 0; round < 2; round++) {
    rows.push({ label: "npm start, embedded, warm", m: await startCommand(embedded) });
    rows.push({ label: "reference: tsx start, warm", m: await startCommand(tsx) });
  }
  rows.push({
    label: "npm start, real PostgreSQL",
    m: await startCommand({ DATABASE_URL: SERVER_URL }),
  });
  rows.push({ label: "reference: node -e (after)", m: await bareNode() });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

const mean = (prefix: string) => {
  const found = rows.filter((r) => r.label.startsWith(prefix) && r.m).map((r) => r.m!);
  return found.reduce((sum, m) => sum + m.answeredS, 0) / Math.max(found.length, 1);
};
const reference = mean("reference: node -e");
const warm = mean("npm start, embedded, warm");
const tsxWarm = mean("reference: tsx start, warm");
console.log(
  `\nfirst answered query (machine load ${(await import("node:os")).loadavg()[0]!.toFixed(1)})`,
);
console.log(
  `${"".padEnd(30)} ${"seconds".padStart(8)} ${"× node -e".padStart(12)} ${"÷ 8 s target".padStart(13)}   Ctrl-C stop`,
);
for (const { label, m } of rows) {
  if (!m) {
    console.log(`${label.padEnd(30)} ${"failed".padStart(8)}`);
    continue;
  }
  console.log(
    `${label.padEnd(30)} ${m.answeredS.toFixed(2).padStart(8)} ${(m.answeredS / reference).toFixed(1).padStart(11)}× ${(m.answeredS / TARGET_S).toFixed(2).padStart(12)}×   ${m.stopS.toFixed(2)} s (exit ${m.code})`,
  );
}
console.log(
  `\nwarm embedded start: ${warm.toFixed(2)} s; the tsx start in the same run: ${tsxWarm.toFixed(2)} s ` +
    `(ratio ${(warm / tsxWarm).toFixed(2)}); target ${TARGET_S} s (ratio ${(warm / TARGET_S).toFixed(2)})`,
);
