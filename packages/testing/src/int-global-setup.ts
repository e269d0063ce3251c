import { applyMigrations, CONTEXTS, contextPaths, ensureDatabase } from "@shopstream/db";
import { testDatabaseUrl } from "@shopstream/testing";

/** Creates and migrates every context's test database once per run. */
export default async function setup() {
  for (const context of CONTEXTS) {
    const url = testDatabaseUrl(context);
    await ensureDatabase(url);
    await applyMigrations({
      connectionString: url,
      migrationsDir: contextPaths(context).migrationsDir,
    });
  }
}
