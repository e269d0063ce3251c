import { z } from "zod";

export { z };

/** Thrown at start-up when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Where configuration is read from: `process.env`, or a test's own variables. */
export type Env = Record<string, string | undefined>;

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

/**
 * Ports that Node's fetch, like every browser, refuses to connect to: the "bad ports" of the
 * WHATWG Fetch standard (those of mail, IRC, X11 and other protocols a request could abuse).
 */
export const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

/** Says why fetch will not connect to `port` ("port 6000, which …"), or null when it will. */
export function fetchPortProblem(port: number): string | null {
  return FETCH_BAD_PORTS.has(port)
    ? `port ${port}, which Node's fetch and browsers refuse to connect to (a "bad port" of the Fetch standard)`
    : null;
}

/** A whole number in [min, max], with messages an operator can act on. */
const wholeNumber = (what: string, min: number, max: number) =>
  z.coerce
    .number({ message: `must be ${what}` })
    .int("must be a whole number")
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`);

/** Reusable field parsers with messages an operator can act on. */
export const env = {
  port: (fallback: number) => wholeNumber("a TCP port number", 1, 65535).default(fallback),
  /** The interface a server listens on. */
  host: () => z.string().default("0.0.0.0"),
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
  /** A URL this codebase calls with fetch, so never on a port fetch refuses. */
  httpUrl: () =>
    z.string().superRefine((value, ctx) => {
      const problem =
        /^https?:\/\//.test(value) && URL.canParse(value)
          ? fetchPortProblem(Number(new URL(value).port))
          : "must be an http(s):// URL";
      if (problem)
        ctx.addIssue({ code: "custom", message: problem.replace(/^port/, "is on port") });
    }),
  /** Prefix of every BullMQ and live-stream key (workers write them, the gateway reads the streams). */
  queuePrefix: () =>
    z
      .string()
      .regex(/^[a-z0-9_-]+$/i, "letters, digits, - and _ only")
      .default("shopstream"),
  /** Connections a process may open to one database. */
  poolSize: (fallback: number) => wholeNumber("a number of connections", 1, 100).default(fallback),
  /** A tuning knob: a whole number of at least `min` (and at most `max`, when given). */
  int: (fallback: number, min: number, max?: number) => {
    const atLeast = z.coerce.number().int().min(min);
    return (max === undefined ? atLeast : atLeast.max(max)).default(fallback);
  },
  logLevel: () =>
    z
      .enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" })
      .default("info"),
};

export type LogLevel = z.infer<ReturnType<typeof env.logLevel>>;

/** What every process that serves HTTP reads: where it listens and how much it logs. */
export interface ServiceConfig {
  port: number;
  host: string;
  logLevel: LogLevel;
}

/** The variables behind ServiceConfig, to spread into a process's schema. */
export const serviceEnv = (defaultPort: number) => ({
  PORT: env.port(defaultPort),
  HOST: env.host(),
  LOG_LEVEL: env.logLevel(),
});

/** ServiceConfig out of a config parsed with `serviceEnv`'s variables. */
export const serviceConfig = (c: { PORT: number; HOST: string; LOG_LEVEL: LogLevel }) =>
  ({ port: c.PORT, host: c.HOST, logLevel: c.LOG_LEVEL }) satisfies ServiceConfig;

/** The development webhook secret: public (it is in the source), so refused in production. */
export const DEV_WEBHOOK_SECRET = "shopstream-dev-webhook-secret";

const webhookSecret = z.string().min(16, "must be at least 16 characters");

/**
 * The payment provider's webhook secrets, read alike by payments (which verifies) and the
 * simulated provider (which signs). `PAYMENTS_WEBHOOK_SECRETS="<new>,<old>"` is a rotation: the
 * first signs, either verifies, so the provider moves to the new secret while reports signed
 * with the old one still land; it takes precedence over `PAYMENTS_WEBHOOK_SECRET`.
 */
export const webhookSecretEnv = {
  // A development default keeps `npm start` zero-config; production sets its own.
  PAYMENTS_WEBHOOK_SECRET: webhookSecret.default(DEV_WEBHOOK_SECRET),
  PAYMENTS_WEBHOOK_SECRETS: z
    .string()
    .transform((value) => value.split(",").map((s) => s.trim()))
    .pipe(
      z
        .array(webhookSecret)
        .min(1)
        .max(2, "holds at most two secrets: the new one first, the one it replaces second"),
    )
    .optional(),
  NODE_ENV: z.string().optional(),
};

/** The secrets in force, the signing one first; the development default is refused in production. */
export function webhookSecretsOf(c: {
  PAYMENTS_WEBHOOK_SECRET: string;
  PAYMENTS_WEBHOOK_SECRETS?: string[] | undefined;
  NODE_ENV?: string | undefined;
}): { secrets: [string, ...string[]]; rotating: boolean } {
  const secrets = (c.PAYMENTS_WEBHOOK_SECRETS ?? [c.PAYMENTS_WEBHOOK_SECRET]) as [
    string,
    ...string[],
  ];
  if (c.NODE_ENV === "production" && secrets.includes(DEV_WEBHOOK_SECRET)) {
    throw new ConfigError([
      "PAYMENTS_WEBHOOK_SECRET: must be a secret of your own under NODE_ENV=production (the development default is public)",
    ]);
  }
  return { secrets, rotating: c.PAYMENTS_WEBHOOK_SECRETS !== undefined };
}
