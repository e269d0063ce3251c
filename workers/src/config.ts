import { ConfigError, env, loadConfig, z } from "@shopstream/config";
import { CONTEXTS, type ContextName, contextDatabaseUrl } from "@shopstream/db";

const schema = z.object({
  PORT: env.port(4010),
  HOST: z.string().default("0.0.0.0"),
  REDIS_URL: env.redisUrl(),
  DATABASE_URL: env.postgresUrl().optional(),
  IDENTITY_DATABASE_URL: env.postgresUrl().optional(),
  CATALOGUE_DATABASE_URL: env.postgresUrl().optional(),
  ORDERING_DATABASE_URL: env.postgresUrl().optional(),
  INVENTORY_DATABASE_URL: env.postgresUrl().optional(),
  PAYMENTS_DATABASE_URL: env.postgresUrl().optional(),
  LOG_LEVEL: env.logLevel(),
});

/** Every environment variable this process reads. */
export const WORKERS_ENV_KEYS = Object.keys(schema.shape);

export interface WorkersConfig {
  port: number;
  host: string;
  redisUrl: string;
  databaseUrls: Record<ContextName, string>;
  logLevel: "debug" | "info" | "warn" | "error";
}

export function loadWorkersConfig(
  source: Record<string, string | undefined> = process.env,
): WorkersConfig {
  const c = loadConfig(schema, source);
  const databaseUrls = {} as Record<ContextName, string>;
  const missing: string[] = [];
  for (const context of CONTEXTS) {
    const own = c[`${context.toUpperCase()}_DATABASE_URL` as "IDENTITY_DATABASE_URL"];
    const url = own ?? (c.DATABASE_URL ? contextDatabaseUrl(c.DATABASE_URL, context) : undefined);
    if (url) databaseUrls[context] = url;
    else missing.push(context);
  }
  if (missing.length > 0) {
    throw new ConfigError([
      `DATABASE_URL: set DATABASE_URL (a PostgreSQL server) or <CONTEXT>_DATABASE_URL for ${missing.join(", ")}`,
    ]);
  }
  return { port: c.PORT, host: c.HOST, redisUrl: c.REDIS_URL, databaseUrls, logLevel: c.LOG_LEVEL };
}
