import { z } from "zod";

export { z };

/** Thrown at start-up when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parses and validates environment variables once, at start-up. This is the only place in the
 * codebase that reads `process.env`; services receive the typed result.
 * Empty strings count as unset so that `FOO= pnpm start` falls back to the default.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const cleaned: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path.join(".") || "(root)";
        const got = typeof issue.path[0] === "string" ? cleaned[issue.path[0]] : undefined;
        return `${key}: ${issue.message}${got === undefined ? "" : ` (got "${got}")`}`;
      }),
    );
  }
  return result.data;
}

/**
 * Loads a process's configuration at start-up, or prints every problem prefixed with the
 * process's name and exits 1: the one way a main() refuses a bad environment.
 */
export function loadConfigOrExit<T>(service: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(1);
  }
}

/** Reusable field parsers with messages an operator can act on. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ message: "must be a TCP port number" })
      .int("must be a whole number")
      .min(1, "must be between 1 and 65535")
      .max(65535, "must be between 1 and 65535")
      .default(fallback),
  postgresUrl: () =>
    z
      .string()
      .refine(
        (value) => /^postgres(ql)?:\/\/[^/]+/.test(value) && URL.canParse(value),
        "must be a postgres:// connection string, e.g. postgres://postgres@127.0.0.1:5432/postgres",
      ),
  redisUrl: () =>
    z
      .string()
      .refine(
        (value) => /^rediss?:\/\//.test(value) && URL.canParse(value),
        "must be a redis:// URL, e.g. redis://127.0.0.1:6379",
      )
      .default("redis://127.0.0.1:6379"),
  httpUrl: () =>
    z.string().refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
      message: "must be an http(s):// URL",
    }),
  /** Prefix of every BullMQ and live-stream key (workers write them, the gateway reads the streams). */
  queuePrefix: () =>
    z
      .string()
      .regex(/^[a-z0-9_-]+$/i, "letters, digits, - and _ only")
      .default("shopstream"),
  /** Connections a process may open to one database. */
  poolSize: (fallback: number) =>
    z.coerce
      .number({ message: "must be a number of connections" })
      .int("must be a whole number")
      .min(1, "must be between 1 and 100")
      .max(100, "must be between 1 and 100")
      .default(fallback),
  logLevel: () =>
    z
      .enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" })
      .default("info"),
};
