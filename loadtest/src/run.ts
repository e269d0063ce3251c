import { setMaxListeners } from "node:events";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { type CliOptions, parseArgs, serviceUrl, USAGE, UsageError } from "./args.ts";
import { devTokens, GqlClient, staff, type TokenFor } from "./harness/client.ts";
import { newTracker, type RunEnv } from "./harness/journey.ts";
import { ProviderHooks } from "./harness/provider.ts";
import { Runner } from "./harness/runner.ts";
import { Stats } from "./harness/stats.ts";
import { checkInvariants } from "./invariants.ts";
import { type LivePage, startLivePage } from "./live/server.ts";
import { profiles, userClasses } from "./profiles.ts";
import type { RunResult } from "./report/model.ts";
import { writeReports } from "./report/write.ts";

export interface MainIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Ctrl-C: called with the stop function while the run is on. */
  onInterrupt?: (stop: () => void) => () => void;
  /**
   * How each simulated user signs in as the principal a request is made as. Default: the
   * stack's development sign-in (`devTokens`: the dev key's tokens, what `pnpm token` prints).
   */
  tokenFor?: TokenFor;
}

async function reachable(url: string, init: RequestInit): Promise<string | undefined> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(3000) });
    await res.text();
    return res.ok ? undefined : `answered HTTP ${res.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return cause ?? (error as Error).message;
  }
}

/** The whole command: 0 when thresholds and invariants hold, 1 when not, 2 before any load on bad input. */
export async function main(argv: string[], io: MainIo): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`pnpm load: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const profile = profiles[o.profile]!;
  const userClass = userClasses[profile.userClass]!;
  const providerUrl = o.provider ?? serviceUrl(o.gateway, 20);
  const workersReady = `${new URL(o.workers ?? serviceUrl(o.gateway, 10)).origin}/ready`;

  const gw = await reachable(o.gateway, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ __typename }" }),
  });
  if (gw) {
    io.stderr(
      `pnpm load: gateway unreachable at ${o.gateway} (${gw}); start the stack with \`npm start\` or pass --gateway`,
    );
    return 2;
  }
  const pv = await reachable(`${new URL(providerUrl).origin}/health`, {});
  if (pv) {
    io.stderr(`pnpm load: payment provider unreachable at ${providerUrl} (${pv}); pass --provider`);
    return 2;
  }

  const users = o.users ?? profile.users;
  const spawnRate = o.spawnRate ?? profile.spawnRate;
  const durationMs = o.durationMs ?? profile.durationMs;
  const stats = new Stats();
  const stop = new AbortController();
  // Every sleeping user listens for the stop: far more than Node's default of 10 listeners.
  setMaxListeners(0, stop.signal);
  const client = new GqlClient(o.gateway, { connections: Math.min(128, Math.max(8, users)) });
  const tokenFor = io.tokenFor ?? devTokens();
  // The live page and the invariants watch every user's orders and stock: fulfilment's work.
  let watcherToken: string | undefined;
  try {
    watcherToken = await tokenFor(staff("fulfilment"));
  } catch (error) {
    io.stderr(
      `pnpm load: cannot sign in (${(error as Error).message}); start the stack once with \`npm start\` (it makes the development key) or set AUTH_DEV_KEY_FILE`,
    );
    return 2;
  }
  const provider = new ProviderHooks(providerUrl);
  const env: RunEnv = {
    client,
    provider,
    tokenFor,
    stats,
    tracker: newTracker(),
    signal: stop.signal,
    shared: new Map(),
    users,
    settleTimeoutMs: 30_000,
  };
  const runner = new Runner({ users, spawnRate, durationMs, userClass, env, stop });
  let live: LivePage | undefined;
  if (!o.headless) {
    try {
      live = await startLivePage({
        ...o.live,
        stats,
        runner,
        stop,
        gateway: o.gateway,
        ...(watcherToken === undefined ? {} : { token: watcherToken }),
        profile: profile.name,
      });
      io.stdout(`live page: ${live.url}`);
    } catch (error) {
      io.stderr(
        `pnpm load: live page could not listen on ${o.live.host}:${o.live.port} (${(error as Error).message}); use --live or --headless`,
      );
      await Promise.all([client.close(), provider.close()]);
      return 2;
    }
  }

  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const release = io.onInterrupt?.(() => {
    io.stdout("stopping: letting in-flight steps settle…");
    stop.abort();
  });
  io.stdout(
    `${profile.name}: ${users} users, spawn ${spawnRate}/s, ${Math.round(durationMs / 1000)} s, class ${userClass.name}, against ${o.gateway}`,
  );
  await runner.run();
  stats.endedAt = Date.now();
  const stoppedEarly = stats.endedAt - t0 < durationMs - 1000;
  const cpu = process.cpuUsage(cpu0);
  io.stdout(
    `run ended after ${((stats.endedAt - t0) / 1000).toFixed(1)} s; checking invariants (up to ${o.settleMs / 1000} s for the pipeline to settle)…`,
  );

  const invariants = await checkInvariants({
    client,
    ...(watcherToken === undefined ? {} : { token: watcherToken }),
    tracker: env.tracker,
    settleMs: o.settleMs,
    workersReadyUrl: workersReady,
    // Any report the provider still holds for one of the run's orders is the run's own.
    unstick: async (ids) => {
      await Promise.all(ids.map((orderId) => provider.release({ orderId })));
    },
  });
  const snapshot = stats.snapshot();
  const t = snapshot.totals;
  const thresholds = [
    {
      name: "unexpected error rate",
      limit: profile.thresholds.maxErrorRate,
      actual: t.errorRate,
      pass: t.errorRate <= profile.thresholds.maxErrorRate,
    },
    {
      name: "p95 ms (all requests)",
      limit: profile.thresholds.maxP95Ms,
      actual: t.p95,
      pass: t.p95 <= profile.thresholds.maxP95Ms,
    },
    {
      name: "journeys completed",
      limit: 1,
      actual: snapshot.journeys.reduce((s, j) => s + j.completed, 0),
      pass: snapshot.journeys.some((j) => j.completed > 0),
    },
  ];
  const passed = thresholds.every((x) => x.pass) && invariants.every((i) => i.status !== "fail");
  const wall = (stats.endedAt - t0) / 1000;
  const result: RunResult = {
    profile,
    options: { users, spawnRate, durationMs, gateway: o.gateway },
    startedAt: new Date(t0).toISOString(),
    endedAt: new Date(stats.endedAt).toISOString(),
    stoppedEarly,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      memoryMiB: Math.round(totalmem() / 2 ** 20),
      node: process.version,
      platform: process.platform,
    },
    generatorCpu: {
      userMs: cpu.user / 1000,
      systemMs: cpu.system / 1000,
      share: (cpu.user + cpu.system) / 1e6 / Math.max(0.001, wall),
    },
    stats: snapshot,
    series: stats.series(),
    raceOutcomes: env.tracker.raceOutcomes,
    thresholds,
    invariants,
    passed,
  };
  const dir =
    o.reportDir ??
    join(
      "loadtest",
      "reports",
      `${profile.name}-${new Date(t0).toISOString().replaceAll(":", "-").slice(0, 19)}`,
    );
  const files = await writeReports(dir, result);
  release?.();
  await live?.close();
  await Promise.all([client.close(), provider.close()]);
  io.stdout(
    `${t.requests} requests, ${t.rate.toFixed(1)}/s, ${t.failures} unexpected failures, p95 ${t.p95.toFixed(0)} ms`,
  );
  for (const th of thresholds)
    io.stdout(
      `threshold ${th.name}: ${th.pass ? "pass" : "FAIL"} (${Number(th.actual.toFixed(4))} vs ${th.limit})`,
    );
  for (const i of invariants) io.stdout(`invariant ${i.name}: ${i.status} — ${i.detail}`);
  io.stdout(`reports: ${files.join(", ")}`);
  io.stdout(passed ? "PASSED" : "FAILED");
  return passed ? 0 : 1;
}

export { USAGE };
