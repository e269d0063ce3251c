import { NO_FILTER, withSchemaEngine } from "./engine.ts";
import { readMigrations } from "./migrations-dir.ts";
import { withClient } from "./pg-adapter.ts";

/** Our own advisory lock key, distinct from Prisma Migrate's (72707369). */
const MIGRATE_LOCK = 7_210_202_611;

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
