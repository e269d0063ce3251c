/**
 * Migration CLI for the per-context databases (Prisma Migrate folder format, Wasm schema engine).
 *
 *   tsx packages/db/src/cli.ts migrate [--context <name>] [--test]
 *   tsx packages/db/src/cli.ts migration:create <context> <name>
 *   tsx packages/db/src/cli.ts drift [--context <name>]
 *
 * DATABASE_URL is the server-level URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * each context's database name is derived from it (see contexts.ts). `migration:create` and
 * `drift` use that server only for throwaway shadow databases, which they always drop.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { env, loadConfig, z } from "@shopstream/config";
import { type ContextName, contextDatabaseUrl, databaseName, isContextName } from "./contexts.ts";
import {
  applyMigrations,
  checkDrift,
  contextPaths,
  contextsWithSchema,
  createMigration,
  DEFAULT_SERVER_URL,
  ensureDatabase,
  PRISMA_ROOT,
} from "./migrate/index.ts";

const USAGE = `Usage:
  cli.ts migrate [--context <name>] [--test]   create missing databases, apply pending migrations
  cli.ts migration:create <context> <name>     write a migration for the schema.prisma change
  cli.ts drift [--context <name>]              fail when migrations and schema.prisma disagree

Environment: DATABASE_URL (server URL, default ${DEFAULT_SERVER_URL})`;

class UsageError extends Error {}

const rel = (p: string) => path.relative(process.cwd(), p) || ".";
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function serverUrl(): string {
  const config = loadConfig(
    z.object({ DATABASE_URL: env.postgresUrl().default(DEFAULT_SERVER_URL) }),
  );
  return config.DATABASE_URL;
}

/** The contexts a command runs on: the one named, or every context that has a schema.prisma. */
function selectContexts(name: string | undefined): ContextName[] {
  const available = contextsWithSchema();
  if (name === undefined) {
    if (available.length === 0)
      throw new Error(`No prisma/<context>/schema.prisma under ${PRISMA_ROOT}`);
    return available;
  }
  if (!isContextName(name)) throw new UsageError(`Unknown context "${name}"`);
  if (!available.includes(name)) {
    throw new Error(`${name}: ${rel(contextPaths(name).schemaPath)} does not exist`);
  }
  return [name];
}

/** Runs `fn` for each context, printing failures; returns false when any failed. */
async function eachContext(
  contexts: ContextName[],
  fn: (ctx: ContextName) => Promise<boolean>,
): Promise<boolean> {
  let ok = true;
  for (const ctx of contexts) {
    try {
      ok = (await fn(ctx)) && ok;
    } catch (error) {
      console.error(`${ctx}: FAILED: ${message(error)}`);
      ok = false;
    }
  }
  return ok;
}

async function migrate(args: string[]): Promise<boolean> {
  const { values } = parseArgs({
    args,
    options: { context: { type: "string" }, test: { type: "boolean", default: false } },
  });
  const server = serverUrl();
  return eachContext(selectContexts(values.context), async (ctx) => {
    const { migrationsDir } = contextPaths(ctx);
    const db = databaseName(ctx, { test: values.test });
    const connectionString = contextDatabaseUrl(server, ctx, { test: values.test });
    if (!existsSync(migrationsDir)) {
      throw new Error(
        `${rel(migrationsDir)} does not exist; run: cli.ts migration:create ${ctx} init`,
      );
    }
    const created = await ensureDatabase(connectionString);
    const { applied } = await applyMigrations({ connectionString, migrationsDir });
    const what = applied.length
      ? `applied ${applied.length} migration(s): ${applied.join(", ")}`
      : "up to date";
    console.log(`${ctx}: ${db}${created ? " (created)" : ""} ${what}`);
    return true;
  });
}

async function createCommand(args: string[]): Promise<boolean> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const [ctx, ...words] = positionals;
  if (!ctx || words.length === 0) throw new UsageError("migration:create needs <context> <name>");
  const [context] = selectContexts(ctx);
  if (!context) return false;
  const result = await createMigration({
    ...contextPaths(context),
    name: words.join(" "),
    shadowConnectionString: serverUrl(),
  });
  if (result.path === null) {
    console.log(`${context}: no changes (migrations already match schema.prisma)`);
  } else {
    console.log(`${context}: created ${rel(path.join(result.path, "migration.sql"))}\n`);
    console.log(result.sql);
  }
  return true;
}

async function drift(args: string[]): Promise<boolean> {
  const { values } = parseArgs({ args, options: { context: { type: "string" } } });
  const server = serverUrl();
  return eachContext(selectContexts(values.context), async (ctx) => {
    const paths = contextPaths(ctx);
    const started = performance.now();
    const result = await checkDrift({ ...paths, shadowConnectionString: server });
    const ms = Math.round(performance.now() - started);
    if (!result.drifted) {
      console.log(`${ctx}: in sync (${ms} ms)`);
      return true;
    }
    console.error(
      `${ctx}: DRIFT: the migrations in ${rel(paths.migrationsDir)} do not produce what ` +
        `${rel(paths.schemaPath)} describes.\n` +
        `Either create a migration (cli.ts migration:create ${ctx} <name>) or undo the edit to ` +
        "the migration. SQL that takes the migrated database to schema.prisma:\n\n" +
        result.sql.replace(/^/gm, "    "),
    );
    return false;
  });
}

const COMMANDS: Record<string, (args: string[]) => Promise<boolean>> = {
  migrate,
  "migration:create": createCommand,
  drift,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "help" || command === "--help") {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`Unknown command "${command}"`);
    return (await run(args)) ? 0 : 1;
  } catch (error) {
    console.error(`error: ${message(error)}`);
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`\n${USAGE}`);
    }
    return 1;
  }
}

// Exit explicitly: nothing may run after the result is known (pooled connections' late events).
process.exit(await main(process.argv.slice(2)));
