import { databaseOf, quoteIdent, withClient, withDatabase } from "./pg-adapter.ts";

/** SQLSTATEs a concurrent `CREATE DATABASE` of the same name fails with. */
const ALREADY_EXISTS = new Set(["42P04", "23505"]);

/**
 * Creates the database named in `connectionString` if it does not exist, connecting to the
 * server's `postgres` database to do so. Returns true when it created it.
 *
 * A URL whose database is `postgres` is left alone (returns false): it always exists, and it is
 * what we pass for an embedded PGlite server, which accepts `CREATE DATABASE` but only ever
 * serves its one database.
 */
export async function ensureDatabase(connectionString: string): Promise<boolean> {
  const name = databaseOf(connectionString);
  if (name === "postgres") return false;
  return withClient(withDatabase(connectionString, "postgres"), async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (error) {
      // Another process created it between our check and our CREATE.
      if (ALREADY_EXISTS.has((error as { code?: string }).code ?? "")) return false;
      throw error;
    }
  });
}
