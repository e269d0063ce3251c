import { diffMigrationsToSchema } from "./diff.ts";
import { readMigrations } from "./migrations-dir.ts";

export interface CheckDriftOptions {
  schemaPath: string;
  migrationsDir: string;
  /** As for `createMigration`: a server where a throwaway shadow database may be created. */
  shadowConnectionString?: string;
}

/**
 * Reports whether the migrations folder produces exactly the database schema.prisma describes.
 * Catches both a schema change nobody generated a migration for and a hand edit to a migration
 * that changes what Prisma models. `sql` is what would take the migrated database to the schema.
 *
 * What Prisma does not model (CHECK constraints, triggers, functions, grants) is invisible to
 * the comparison, so hand-written SQL of that kind in a migration is not drift.
 */
export async function checkDrift(
  opts: CheckDriftOptions,
): Promise<{ drifted: boolean; sql: string }> {
  const migrationsList = await readMigrations(opts.migrationsDir);
  const diff = await diffMigrationsToSchema({
    schemaPath: opts.schemaPath,
    migrationsList,
    shadowServerUrl: opts.shadowConnectionString,
  });
  return { drifted: diff.changed, sql: diff.sql };
}
