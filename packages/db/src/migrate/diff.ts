import { readFile } from "node:fs/promises";
import path from "node:path";
import { type MigrationList, NO_FILTER, withSchemaEngine } from "./engine.ts";

/** Where throwaway shadow databases go unless the caller names a server. */
export const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface SchemaDiff {
  /** True when the migrations do not produce what the schema describes. */
  changed: boolean;
  /** The SQL that takes the migrated database to the schema ("" when unchanged). */
  sql: string;
}

/**
 * Diffs "the database the migrations folder produces" against "the database schema.prisma
 * describes". The engine replays the migrations into a shadow database, which our adapter
 * factory creates on `shadowServerUrl` under a unique name and always drops. The engine's own
 * connection goes to `shadowServerUrl` too, but it only reads from it.
 */
export async function diffMigrationsToSchema(opts: {
  schemaPath: string;
  migrationsList: MigrationList;
  shadowServerUrl?: string;
}): Promise<SchemaDiff> {
  const schemaPath = path.resolve(opts.schemaPath);
  const content = await readFile(schemaPath, "utf8");
  const serverUrl = opts.shadowServerUrl ?? DEFAULT_SERVER_URL;
  const result = await withSchemaEngine(
    { connectionString: serverUrl, shadowServerUrl: serverUrl },
    (engine) =>
      engine.diff({
        from: { tag: "migrations", ...opts.migrationsList },
        to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content }] },
        script: true,
        // With exitCode set the engine answers 2 for a non-empty diff and 0 for none.
        exitCode: true,
        filters: NO_FILTER,
      }),
  );
  const changed = result.exitCode === 2;
  return { changed, sql: changed ? (result.stdout ?? "").trim() : "" };
}
