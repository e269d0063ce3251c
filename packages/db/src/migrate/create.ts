import { diffMigrationsToSchema } from "./diff.ts";
import { nextMigrationFolderName, readMigrations, writeMigration } from "./migrations-dir.ts";

export interface CreateMigrationOptions {
  schemaPath: string;
  migrationsDir: string;
  /** Free text; slugified like Prisma does (`add phone` -> `add_phone`). */
  name: string;
  /**
   * Any connection string on a PostgreSQL server where a throwaway shadow database may be created
   * (and is always dropped). Defaults to postgres://postgres@127.0.0.1:5432/postgres.
   */
  shadowConnectionString?: string;
}

/**
 * `prisma migrate dev --create-only`, without touching any development database: replays the
 * existing migrations into a throwaway shadow database, diffs the result against schema.prisma
 * and, when they differ, writes `<migrationsDir>/<timestamp>_<name>/migration.sql` (and the
 * lockfile when missing). Returns `path: null` when there is nothing to migrate. The new
 * migration is not applied anywhere.
 *
 * (The engine's own `createMigration` does the same steps, but it refuses the adapter's shadow
 * database, so we compose it from `diff`.)
 */
export async function createMigration(
  opts: CreateMigrationOptions,
): Promise<{ path: string | null; sql: string }> {
  const migrationsList = await readMigrations(opts.migrationsDir);
  // Computed first so an invalid name fails before any database work.
  const folderName = nextMigrationFolderName(
    migrationsList.migrationDirectories.map((d) => d.path),
    opts.name,
  );
  const diff = await diffMigrationsToSchema({
    schemaPath: opts.schemaPath,
    migrationsList,
    shadowServerUrl: opts.shadowConnectionString,
  });
  if (!diff.changed) return { path: null, sql: "" };
  const path = await writeMigration(opts.migrationsDir, folderName, diff.sql);
  return { path, sql: diff.sql };
}
