/** The five bounded contexts. Each owns one PostgreSQL database and one Prisma schema. */
export const CONTEXTS = ["identity", "catalogue", "ordering", "inventory", "payments"] as const;
export type ContextName = (typeof CONTEXTS)[number];

export function isContextName(value: string): value is ContextName {
  return (CONTEXTS as readonly string[]).includes(value);
}

/** Database name for a context: `shopstream_identity`, or `shopstream_test_identity` for tests. */
export function databaseName(context: ContextName, opts: { test?: boolean } = {}): string {
  return opts.test ? `shopstream_test_${context}` : `shopstream_${context}`;
}

/**
 * Derives a context's connection string from the server-level DATABASE_URL by replacing its
 * database name, keeping host, credentials and query parameters.
 */
export function contextDatabaseUrl(
  serverUrl: string,
  context: ContextName,
  opts: { test?: boolean } = {},
): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName(context, opts)}`;
  return url.toString();
}
