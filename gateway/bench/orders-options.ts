import { parseArgs } from "node:util";

export interface OrdersBenchOptions {
  duration: number;
  concurrency: number;
  /** 0: the sustained run; N: N placeOrder at once. */
  burst: number;
  portBase: number;
  namespace: string;
  pgbench: boolean;
  pgbenchClients: number;
  /** Extra environment for every service of the stack (`--env KEY=VALUE`). */
  env: Record<string, string>;
  /** A directory: every service is CPU-profiled during the sustained run, profiles land there. */
  profile: string | null;
}

/** `pnpm bench:orders` arguments (see orders.bench.ts); a bad one throws with its name. */
export function benchOptions(args: string[]): OrdersBenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string", default: "30" },
      concurrency: { type: "string", default: "32" },
      burst: { type: "string", default: "0" },
      "port-base": { type: "string", default: process.env.BENCH_PORT_BASE ?? "25000" },
      namespace: { type: "string", default: process.env.BENCH_NAMESPACE ?? "bench" },
      "no-pgbench": { type: "boolean", default: false },
      "pgbench-clients": { type: "string", default: "16" },
      env: { type: "string", multiple: true, default: [] },
      profile: { type: "string" },
    },
  });
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
    return n;
  };
  const env: Record<string, string> = {};
  for (const pair of values.env) {
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--env takes KEY=VALUE, not ${pair}`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (!/^[a-z][a-z0-9_]*$/.test(values.namespace))
    throw new Error("--namespace takes lower-case letters, digits and _");
  return {
    duration: int("duration", values.duration, 1),
    concurrency: int("concurrency", values.concurrency, 1),
    burst: int("burst", values.burst, 0),
    portBase: int("port-base", values["port-base"], 1024),
    namespace: values.namespace,
    pgbench: !values["no-pgbench"],
    pgbenchClients: int("pgbench-clients", values["pgbench-clients"], 1),
    env,
    profile: values.profile ?? null,
  };
}
