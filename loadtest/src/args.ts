import { parseDuration } from "./harness/time.ts";
import { profiles } from "./profiles.ts";

export interface CliOptions {
  profile: string;
  durationMs?: number;
  users?: number;
  spawnRate?: number;
  headless: boolean;
  reportDir?: string;
  gateway: string;
  provider?: string;
  workers?: string;
  live: { host: string; port: number };
  settleMs: number;
}

export class UsageError extends Error {}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function loopbackUrl(flag: string, value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${flag}: not a URL: ${value}`);
  }
  if (u.protocol !== "http:" || !LOOPBACK.has(u.hostname)) {
    throw new UsageError(
      `${flag}: only http://127.0.0.1 (loopback) targets are allowed, got ${value}`,
    );
  }
  return u.toString();
}

const positiveInt = (flag: string, v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new UsageError(`${flag}: expected a whole number ≥ 1, got "${v}"`);
  return Number(v);
};

export const USAGE = `usage: pnpm load <profile> [--duration 30s] [--users N] [--spawn-rate N] [--headless] [--report <dir>] [--gateway http://127.0.0.1:4000/graphql] [--provider URL] [--workers URL] [--live 127.0.0.1:8089] [--settle 60s]
profiles: ${Object.keys(profiles).join(", ")}`;

/** Parses the command line; throws a `UsageError` naming the first problem. */
export function parseArgs(argv: string[]): CliOptions {
  const args = argv[0] === "--" ? argv.slice(1) : [...argv];
  let profile: string | undefined;
  const o: Partial<CliOptions> = { headless: false };
  const value = (flag: string, i: number) => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    switch (a) {
      case "--duration": {
        const ms = parseDuration(value(a, i));
        if (!ms)
          throw new UsageError(`--duration: expected e.g. 30s, 2m or 1h, got "${args[i + 1]}"`);
        o.durationMs = ms;
        i++;
        break;
      }
      case "--users":
        o.users = positiveInt(a, value(a, i++));
        break;
      case "--spawn-rate":
        o.spawnRate = positiveInt(a, value(a, i++));
        break;
      case "--headless":
        o.headless = true;
        break;
      case "--report":
        o.reportDir = value(a, i++);
        break;
      case "--gateway":
        o.gateway = loopbackUrl(a, value(a, i++));
        break;
      case "--provider":
        o.provider = loopbackUrl(a, value(a, i++));
        break;
      case "--workers":
        o.workers = loopbackUrl(a, value(a, i++));
        break;
      case "--settle": {
        const ms = parseDuration(value(a, i));
        if (!ms) throw new UsageError(`--settle: expected e.g. 60s, got "${args[i + 1]}"`);
        o.settleMs = ms;
        i++;
        break;
      }
      case "--live": {
        const v = value(a, i++);
        const m = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(v);
        if (!m || Number(m[2]) > 65535)
          throw new UsageError(`--live: expected 127.0.0.1:<port>, got "${v}"`);
        o.live = { host: "127.0.0.1", port: Number(m[2]) };
        break;
      }
      default:
        if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        if (profile) throw new UsageError(`one profile only, got "${profile}" and "${a}"`);
        profile = a;
    }
  }
  if (!profile)
    throw new UsageError(`no profile given (one of ${Object.keys(profiles).join(", ")})`);
  if (!profiles[profile])
    throw new UsageError(
      `unknown profile "${profile}" (one of ${Object.keys(profiles).join(", ")})`,
    );
  const gateway = o.gateway ?? "http://127.0.0.1:4000/graphql";
  return {
    profile,
    durationMs: o.durationMs,
    users: o.users,
    spawnRate: o.spawnRate,
    headless: o.headless ?? false,
    reportDir: o.reportDir,
    gateway,
    provider: o.provider,
    workers: o.workers,
    live: o.live ?? { host: "127.0.0.1", port: 8089 },
    settleMs: o.settleMs ?? 60_000,
  };
}

/** The stack's other services sit at fixed offsets from the gateway's port (README, "Ports"). */
export function serviceUrl(gateway: string, offset: number): string {
  const u = new URL(gateway);
  const port = Number(u.port || 80) + offset;
  return `http://127.0.0.1:${port}`;
}
