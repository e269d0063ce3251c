import type { Env, LogLevel, ServiceConfig } from "@shopstream/config";
import { ConfigError, env, loadConfig, serviceConfig, serviceEnv, z } from "@shopstream/config";
import {
  type ContextName,
  contextDatabaseUrl,
  DEFAULT_ACQUIRE_TIMEOUT_MS,
  DEFAULT_POOL_SIZE,
} from "@shopstream/db";
import {
  INTERNAL_AUTH_PUBLIC_KEYS,
  type InternalPublicKey,
  parseInternalPublicKeys,
} from "./internal-auth.ts";

/** Default port of each subgraph; the gateway listens on 4000. */
export const SUBGRAPH_PORTS: Record<ContextName, number> = {
  identity: 4001,
  catalogue: 4002,
  ordering: 4003,
  inventory: 4004,
  payments: 4005,
};

export interface SubgraphConfig extends ServiceConfig {
  context: ContextName;
  databaseUrl: string;
  /** Connections this subgraph may open to its database (see DEFAULT_POOL_SIZE for the budget). */
  databasePoolSize: number;
  /** How long a query waits for a free connection before "database busy" (SERVICE_UNAVAILABLE). */
  databaseAcquireTimeoutMs: number;
  /**
   * The gateway's public keys (`INTERNAL_AUTH_PUBLIC_KEYS`) its internal tokens are verified
   * with; null when unset. `runSubgraph` refuses to start without them.
   */
  internalAuthPublicKeys: InternalPublicKey[] | null;
}

/** Environment variable that overrides a context's full database URL, e.g. IDENTITY_DATABASE_URL. */
export const contextDatabaseEnv = (context: ContextName) => `${context.toUpperCase()}_DATABASE_URL`;

const subgraphSchema = (context: ContextName) =>
  z.object({
    ...serviceEnv(SUBGRAPH_PORTS[context]),
    [contextDatabaseEnv(context)]: env.postgresUrl().optional(),
    DATABASE_URL: env.postgresUrl().optional(),
    DATABASE_POOL_SIZE: env.poolSize(DEFAULT_POOL_SIZE),
    DATABASE_ACQUIRE_TIMEOUT_MS: env.int(DEFAULT_ACQUIRE_TIMEOUT_MS, 0, 60_000),
    [INTERNAL_AUTH_PUBLIC_KEYS]: z.string().optional(),
  });

/** Every environment variable a subgraph reads. */
export const subgraphEnvKeys = (context: ContextName) => Object.keys(subgraphSchema(context).shape);

/**
 * Configuration shared by every subgraph. `DATABASE_URL` names a server and the context's
 * database name (`shopstream_<context>`) is derived from it; `<CONTEXT>_DATABASE_URL` names the
 * database itself (used for embedded PGlite, where each context has its own server).
 */
export function loadSubgraphConfig(
  context: ContextName,
  source: Env = process.env,
): SubgraphConfig {
  const own = contextDatabaseEnv(context);
  const c = loadConfig(subgraphSchema(context), source) as {
    PORT: number;
    HOST: string;
    DATABASE_URL?: string;
    DATABASE_POOL_SIZE: number;
    DATABASE_ACQUIRE_TIMEOUT_MS: number;
    LOG_LEVEL: LogLevel;
  } & Record<string, string | undefined>;
  const databaseUrl =
    c[own] ?? (c.DATABASE_URL ? contextDatabaseUrl(c.DATABASE_URL, context) : undefined);
  if (!databaseUrl) {
    throw new ConfigError([
      `DATABASE_URL: set DATABASE_URL (a PostgreSQL server) or ${own} (this context's database)`,
    ]);
  }
  const keys = c[INTERNAL_AUTH_PUBLIC_KEYS];
  return {
    ...serviceConfig(c),
    context,
    databaseUrl,
    databasePoolSize: c.DATABASE_POOL_SIZE,
    databaseAcquireTimeoutMs: c.DATABASE_ACQUIRE_TIMEOUT_MS,
    internalAuthPublicKeys: keys === undefined ? null : parseInternalPublicKeys(keys),
  };
}

/** A subgraph's configuration as `runSubgraph` needs it: the internal keys are required. */
export function loadRunnableSubgraphConfig(
  context: ContextName,
  source: Env = process.env,
): SubgraphConfig & { internalAuthPublicKeys: InternalPublicKey[] } {
  // Every problem at once: a missing key is reported next to a bad port, not after it is fixed.
  const attempt = <T>(load: () => T): T | ConfigError => {
    try {
      return load();
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
  };
  const config = attempt(() => loadSubgraphConfig(context, source));
  const keys = attempt(() =>
    parseInternalPublicKeys(source[INTERNAL_AUTH_PUBLIC_KEYS]?.trim() || undefined),
  );
  if (config instanceof ConfigError || keys instanceof ConfigError) {
    const problems = [config, keys].flatMap((r) => (r instanceof ConfigError ? r.problems : []));
    throw new ConfigError([...new Set(problems)]);
  }
  return { ...config, internalAuthPublicKeys: keys };
}
