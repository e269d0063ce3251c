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

const duration = (flag: string, v: string, examples: string) => {
  const ms = parseDuration(v);
  if (!ms) throw new UsageError(`${flag}: expected e.g. ${examples}, got "${v}"`);
  return ms;
};

const liveAddress = (flag: string, v: string) => {
  const m = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) > 65535)
    throw new UsageError(`${flag}: expected 127.0.0.1:<port>, got "${v}"`);
  return { host: "127.0.0.1", port: Number(m[2]) };
};

interface CliOption {
  /** Takes no value. */
  switch?: true;
  set: (o: Partial<CliOptions>, value: string, flag: string) => void;
}

/** An option whose value, checked and converted by `parse`, becomes `key`. */
const valued = <K extends keyof CliOptions>(
  key: K,
  parse: (flag: string, v: string) => CliOptions[K],
): CliOption => ({
  set: (o, v, flag) => {
    o[key] = parse(flag, v);
  },
});

/**
 * The options. One table, so every option is parsed the same way: its value is the next
 * argument and never another option.
 */
const OPTIONS = new Map<string, CliOption>([
  ["--duration", valued("durationMs", (f, v) => duration(f, v, "30s, 2m or 1h"))],
  ["--users", valued("users", positiveInt)],
  ["--spawn-rate", valued("spawnRate", positiveInt)],
  [
    "--headless",
    {
      switch: true,
      set: (o) => {
        o.headless = true;
      },
    },
  ],
  ["--report", valued("reportDir", (_, v) => v)],
  ["--gateway", valued("gateway", loopbackUrl)],
  ["--provider", valued("provider", loopbackUrl)],
  ["--workers", valued("workers", loopbackUrl)],
  ["--settle", valued("settleMs", (f, v) => duration(f, v, "60s"))],
  ["--live", valued("live", liveAddress)],
]);

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
    const option = OPTIONS.get(a);
    if (option) option.set(o, option.switch ? "" : value(a, i++), a);
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else if (profile) throw new UsageError(`one profile only, got "${profile}" and "${a}"`);
    else profile = a;
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
