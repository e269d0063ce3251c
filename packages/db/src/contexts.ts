/** The five bounded contexts. Each owns one PostgreSQL database and one Prisma schema. */
export const CONTEXTS = ["identity", "catalogue", "ordering", "inventory", "payments"] as const;
export type ContextName = (typeof CONTEXTS)[number];

export function isContextName(value: string): value is ContextName {
  return (CONTEXTS as readonly string[]).includes(value);
}

export interface DatabaseNaming {
  /** The test databases, `shopstream_test_<context>`. */
  test?: boolean;
  /** A namespace of its own, `shopstream_<namespace>_<context>` (the e2e stack uses `e2e`). */
  namespace?: string;
}

/** Database name for a context: `shopstream_identity`, `shopstream_test_identity`, … */
export function databaseName(context: ContextName, opts: DatabaseNaming = {}): string {
  const namespace = opts.namespace ?? (opts.test ? "test" : undefined);
  if (namespace !== undefined && !/^[a-z0-9_]+$/.test(namespace))
    throw new Error(`bad database namespace "${namespace}"`);
  return namespace ? `shopstream_${namespace}_${context}` : `shopstream_${context}`;
}

/**
 * Derives a context's connection string from the server-level DATABASE_URL by replacing its
 * database name, keeping host, credentials and query parameters.
 */
export function contextDatabaseUrl(
  serverUrl: string,
  context: ContextName,
  opts: DatabaseNaming = {},
): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName(context, opts)}`;
  return url.toString();
}
