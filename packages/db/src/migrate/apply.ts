import { NO_FILTER, withSchemaEngine } from "./engine.ts";
import { readMigrations } from "./migrations-dir.ts";
import { withClient } from "./pg-adapter.ts";

/** Our own advisory lock key, distinct from Prisma Migrate's (72707369). */
const MIGRATE_LOCK = 7_210_202_611;
/** SQLSTATE of a missing table: a database never migrated. */
const UNDEFINED_TABLE = "42P01";

export interface ApplyMigrationsOptions {
  /** The database to migrate (must exist: see `ensureDatabase`). */
  connectionString: string;
  /** A Prisma Migrate migrations folder. */
  migrationsDir: string;
}

/**
 * Applies every migration in `migrationsDir` not yet recorded in the database's
 * `_prisma_migrations` table, in folder order, and records it there: what
 * `prisma migrate deploy` does (same engine code). Idempotent; fails without applying anything
 * when a recorded migration failed earlier (P3009) and stops at the first migration that fails
 * (P3018), leaving it recorded as failed, as Prisma Migrate does.
 */
export async function applyMigrations(
  opts: ApplyMigrationsOptions,
): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrations(opts.migrationsDir, { mustExist: true });
  const folders = migrationsList.migrationDirectories.map((d) => d.path);
  // The usual case at a start: everything is applied already. One query says so, and saves
  // loading the Wasm engine (seconds on a busy machine) just to learn there is nothing to do.
  if (await allApplied(opts.connectionString, folders)) return { applied: [] };
  // Concurrent runs on one database (two test set-ups, several containers starting) queue here,
  // on a lock with no time limit. The engine takes Prisma's own lock too, but gives up on it after
  // 10 s, and under load the Wasm engine has been seen to panic on that path.
  return withClient(opts.connectionString, async (client) => {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK]);
    try {
      const output = await withSchemaEngine({ connectionString: opts.connectionString }, (engine) =>
        engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
      );
      return { applied: output.appliedMigrationNames };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK]).catch(() => undefined);
    }
  });
}

/**
 * Whether every folder is recorded in `_prisma_migrations` as finished and nothing is recorded
 * as failed (unfinished, not rolled back). Anything else, a missing table included, goes the
 * engine's way, which applies what is pending and reports a failed migration (P3009) as before.
 */
async function allApplied(connectionString: string, folders: string[]): Promise<boolean> {
  return withClient(connectionString, async (client) => {
    const rows = await client
      .query<{ name: string; finished: boolean }>(
        `SELECT migration_name AS name, finished_at IS NOT NULL AS finished
           FROM _prisma_migrations WHERE rolled_back_at IS NULL`,
      )
      .then(
        (result) => result.rows,
        (error: { code?: string }) => {
          if (error.code === UNDEFINED_TABLE) return undefined;
          throw error;
        },
      );
    if (!rows || rows.some((row) => !row.finished)) return false;
    const finished = new Set(rows.map((row) => row.name));
    return folders.every((folder) => finished.has(folder));
  });
}
