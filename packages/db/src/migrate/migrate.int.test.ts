/**
 * Integration tests against the real PostgreSQL at DATABASE_URL (default 127.0.0.1:5432) and an
 * embedded PGlite. Each test works on its own temporary databases and migration folders, and
 * drops/removes them afterwards.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyMigrations,
  checkDrift,
  createMigration,
  DEFAULT_SERVER_URL,
  ensureDatabase,
  SchemaEngineError,
} from "./index.ts";
import { dropDatabase, throwawayDatabaseName, withClient, withDatabase } from "./pg-adapter.ts";

const SERVER = process.env.DATABASE_URL || DEFAULT_SERVER_URL;

const SCHEMA = `
datasource db {
  provider = "postgresql"
}

enum Colour {
  RED
  GREEN
}

model Widget {
  id      String @id @db.Uuid
  name    String @db.VarChar(100)
  colour  Colour @default(RED)
  stock   Int    @default(0)
  version Int    @default(1)

  @@map("widget")
}
`;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh temp folder holding schema.prisma; `migrations/` inside it is the migrations folder. */
async function fixture(schema = SCHEMA) {
  const dir = await mkdtemp(path.join(tmpdir(), "shopstream-migrate-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const schemaPath = path.join(dir, "schema.prisma");
  await writeFile(schemaPath, schema);
  return { dir, schemaPath, migrationsDir: path.join(dir, "migrations") };
}

/** A unique database name on the real server, dropped after the test. */
function tempDatabaseUrl(): string {
  const name = throwawayDatabaseName().replace("shadow", "test_migrate");
  cleanups.push(() => dropDatabase(SERVER, name));
  return withDatabase(SERVER, name);
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  return withClient(url, async (c) => (await c.query(sql)).rows as T[]);
}

/** Shadow databases that exist now but did not before `since` (another process may hold its own). */
async function newShadowDatabases(since: string[]): Promise<string[]> {
  return (await shadowDatabases()).filter((name) => !since.includes(name));
}

async function shadowDatabases(): Promise<string[]> {
  const rows = await query<{ datname: string }>(
    SERVER,
    "SELECT datname FROM pg_database WHERE datname LIKE 'shopstream\\_shadow\\_%'",
  );
  return rows.map((r) => r.datname);
}

async function migrationFolders(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Applies `migrationsDir` to `url` twice: the first run applies exactly `expected`, the second nothing. */
async function expectAppliedOnce(url: string, migrationsDir: string, expected: string[]) {
  const options = { connectionString: url, migrationsDir };
  expect((await applyMigrations(options)).applied).toEqual(expected);
  expect(await applyMigrations(options)).toEqual({ applied: [] });
}

interface MigrationRow {
  migration_name: string;
  finished_at: Date | null;
  applied_steps_count: number;
}
const MIGRATION_ROWS =
  "SELECT migration_name, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name";

describe("ensureDatabase", () => {
  it("creates a missing database once and leaves `postgres` alone", async () => {
    const url = tempDatabaseUrl();
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
    expect(await query(url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(await ensureDatabase(withDatabase(SERVER, "postgres"))).toBe(false);
  });
});

describe("createMigration", () => {
  it("writes Prisma Migrate folders for schema changes and returns null when nothing changed", async () => {
    const fx = await fixture();
    const shadowsBefore = await shadowDatabases();

    const first = await createMigration({ ...fx, name: "init" });
    expect(first.path).not.toBeNull();
    expect(path.basename(first.path!)).toMatch(/^\d{14}_init$/);
    expect(first.sql).toContain('CREATE TABLE "widget"');
    expect(first.sql).toContain(`CREATE TYPE "Colour" AS ENUM ('RED', 'GREEN')`);
    expect(await readFile(path.join(first.path!, "migration.sql"), "utf8")).toBe(`${first.sql}\n`);
    expect(await readFile(path.join(fx.migrationsDir, "migration_lock.toml"), "utf8")).toContain(
      'provider = "postgresql"',
    );

    expect(await createMigration({ ...fx, name: "nothing" })).toEqual({ path: null, sql: "" });
    expect(await migrationFolders(fx.migrationsDir)).toHaveLength(1);

    await writeFile(fx.schemaPath, SCHEMA.replace("version Int", "weight  Int?\n  version Int"));
    const second = await createMigration({ ...fx, name: "Add widget weight!" });
    expect(path.basename(second.path!)).toMatch(/^\d{14}_add_widget_weight$/);
    expect(second.sql).toContain('ALTER TABLE "widget" ADD COLUMN     "weight" INTEGER');
    expect(second.sql).not.toContain("CREATE TABLE");
    const folders = await migrationFolders(fx.migrationsDir);
    expect(folders).toEqual([path.basename(first.path!), path.basename(second.path!)]);
    expect(await newShadowDatabases(shadowsBefore)).toEqual([]);
  });
});

describe("applyMigrations", () => {
  it("applies pending migrations once, records them in _prisma_migrations, and is idempotent", async () => {
    const fx = await fixture();
    const init = await createMigration({ ...fx, name: "init" });
    const url = tempDatabaseUrl();
    await ensureDatabase(url);

    await expectAppliedOnce(url, fx.migrationsDir, [path.basename(init.path!)]);

    const rows = await query<MigrationRow>(url, MIGRATION_ROWS);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      migration_name: path.basename(init.path!),
      applied_steps_count: 1,
    });
    expect(rows[0]?.finished_at).toBeInstanceOf(Date);

    // A later migration: only it is applied.
    await writeFile(fx.schemaPath, SCHEMA.replace("version Int", "weight  Int?\n  version Int"));
    const next = await createMigration({ ...fx, name: "weight" });
    const second = await applyMigrations({
      connectionString: url,
      migrationsDir: fx.migrationsDir,
    });
    expect(second.applied).toEqual([path.basename(next.path!)]);
    expect(
      await query(
        url,
        "INSERT INTO widget (id, name, weight) VALUES (gen_random_uuid(), 'a', 3) RETURNING weight",
      ),
    ).toEqual([{ weight: 3 }]);
    expect(await query<MigrationRow>(url, MIGRATION_ROWS)).toHaveLength(2);
  });

  it("runs hand-written SQL whole (semicolons in $$ bodies and strings); CHECKs and triggers are not drift", async () => {
    const fx = await fixture();
    const init = await createMigration({ ...fx, name: "init" });
    const sqlPath = path.join(init.path!, "migration.sql");
    await writeFile(
      sqlPath,
      `${await readFile(sqlPath, "utf8")}
ALTER TABLE "widget" ADD CONSTRAINT "widget_stock_non_negative" CHECK ("stock" >= 0);
CREATE FUNCTION widget_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := OLD.version + 1; -- a ';' inside a body
  RETURN NEW;
END;
$$;
CREATE TRIGGER widget_touch BEFORE UPDATE ON "widget" FOR EACH ROW EXECUTE FUNCTION widget_touch();
COMMENT ON TABLE "widget" IS 'widgets; with a semicolon';
`,
    );
    const url = tempDatabaseUrl();
    await ensureDatabase(url);
    await applyMigrations({ connectionString: url, migrationsDir: fx.migrationsDir });
    await query(
      url,
      "INSERT INTO widget (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'a')",
    );
    expect(await query(url, "UPDATE widget SET name = 'b' RETURNING version")).toEqual([
      { version: 2 },
    ]);
    await expect(query(url, "UPDATE widget SET stock = -1")).rejects.toThrow(
      /widget_stock_non_negative/,
    );
    // What Prisma does not model (CHECK, functions, triggers, comments) is not drift.
    expect(await checkDrift(fx)).toEqual({ drifted: false, sql: "" });
  });

  it("stops at a failing migration (rolled back, recorded as failed) and refuses to continue", async () => {
    const fx = await fixture();
    const init = await createMigration({ ...fx, name: "init" });
    const broken = path.join(fx.migrationsDir, "29990101000000_broken");
    await mkdir(broken);
    await writeFile(
      path.join(broken, "migration.sql"),
      'ALTER TABLE "widget" ADD COLUMN "a" INTEGER;\nALTER TABLE "nope" ADD COLUMN "b" INTEGER;\n',
    );
    const url = tempDatabaseUrl();
    await ensureDatabase(url);

    const failure = applyMigrations({ connectionString: url, migrationsDir: fx.migrationsDir });
    await expect(failure).rejects.toBeInstanceOf(SchemaEngineError);
    await expect(failure).rejects.toThrow(/migration 29990101000000_broken failed[\s\S]*nope/);

    // The failed script ran in one transaction: its first statement did not stick.
    expect(
      await query(
        url,
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'widget' AND column_name = 'a'",
      ),
    ).toEqual([]);
    const rows = await query<MigrationRow>(url, MIGRATION_ROWS);
    expect(rows.map((r) => [r.migration_name, r.finished_at !== null])).toEqual([
      [path.basename(init.path!), true],
      ["29990101000000_broken", false],
    ]);

    await expect(
      applyMigrations({ connectionString: url, migrationsDir: fx.migrationsDir }),
    ).rejects.toMatchObject({ code: "P3009" });
  });

  it("fails clearly when the migrations folder is missing", async () => {
    const fx = await fixture();
    await expect(
      applyMigrations({
        connectionString: withDatabase(SERVER, "postgres"),
        migrationsDir: fx.migrationsDir,
      }),
    ).rejects.toThrow(/Migrations folder not found/);
  });

  it("works the same against an embedded PGlite served over TCP", async () => {
    const fx = await fixture();
    const init = await createMigration({ ...fx, name: "init" });

    const db = new PGlite(); // in memory
    const server = new PGLiteSocketServer({ db, port: 0, host: "127.0.0.1", maxConnections: 10 });
    await server.start();
    cleanups.push(async () => {
      await server.stop();
      await db.close();
    });
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;

    expect(await ensureDatabase(url)).toBe(false);
    await expectAppliedOnce(url, fx.migrationsDir, [path.basename(init.path!)]);

    const rows = await db.query<MigrationRow>(MIGRATION_ROWS);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({
      migration_name: path.basename(init.path!),
      applied_steps_count: 1,
    });
    await db.query("INSERT INTO widget (id, name) VALUES (gen_random_uuid(), 'a')");
    expect((await db.query("SELECT name, colour FROM widget")).rows).toEqual([
      { name: "a", colour: "RED" },
    ]);
  });
});

describe("checkDrift", () => {
  it("detects a schema change without a migration and a hand-edited migration", async () => {
    const fx = await fixture();
    const init = await createMigration({ ...fx, name: "init" });
    expect(await checkDrift(fx)).toEqual({ drifted: false, sql: "" });

    // schema.prisma changed, no migration created.
    await writeFile(fx.schemaPath, SCHEMA.replace("@db.VarChar(100)", "@db.VarChar(200)"));
    const schemaChange = await checkDrift(fx);
    expect(schemaChange.drifted).toBe(true);
    expect(schemaChange.sql).toMatch(
      /ALTER TABLE "widget" ALTER COLUMN "name" SET DATA TYPE VARCHAR\(200\)/,
    );

    // Schema back in line, but someone edited the applied migration by hand.
    await writeFile(fx.schemaPath, SCHEMA);
    const sqlPath = path.join(init.path!, "migration.sql");
    const original = await readFile(sqlPath, "utf8");
    await writeFile(
      sqlPath,
      original.replace('"stock" INTEGER NOT NULL DEFAULT 0', '"stock" BIGINT NOT NULL DEFAULT 0'),
    );
    const handEdit = await checkDrift(fx);
    expect(handEdit.drifted).toBe(true);
    expect(handEdit.sql).toMatch(/ALTER COLUMN "stock" SET DATA TYPE INTEGER/);

    await writeFile(sqlPath, original);
    expect((await checkDrift(fx)).drifted).toBe(false);
  });

  it("reports everything as drift when there are no migrations yet", async () => {
    const fx = await fixture();
    const result = await checkDrift(fx);
    expect(result.drifted).toBe(true);
    expect(result.sql).toContain('CREATE TABLE "widget"');
  });

  it("surfaces a migration that does not apply as an error and still drops the shadow database", async () => {
    const fx = await fixture();
    const init = await createMigration({ ...fx, name: "init" });
    await writeFile(path.join(init.path!, "migration.sql"), "CREATE TABLE broken (;");
    const shadowsBefore = await shadowDatabases();
    await expect(checkDrift(fx)).rejects.toThrow(/syntax error/);
    expect(await newShadowDatabases(shadowsBefore)).toEqual([]);
  });
});
