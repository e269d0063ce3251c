import { NO_FILTER, withSchemaEngine } from "./engine.ts";
import { readMigrations } from "./migrations-dir.ts";

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
  const output = await withSchemaEngine({ connectionString: opts.connectionString }, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
  );
  return { applied: output.appliedMigrationNames };
}
