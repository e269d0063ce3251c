/**
 * The driver adapter the Wasm schema engine talks to: `@prisma/adapter-pg`, with two fixes the
 * schema engine needs (1, 2) and shadow databases we control (3).
 *
 * 1. `"char"` columns (OID 18). The engine's catalogue queries select PostgreSQL's internal
 *    single-byte `"char"` columns (`pg_constraint.contype`, `.confdeltype`, `.confupdtype`,
 *    ...). adapter-pg 7.10's `fieldToColumnType` has no case for
 *    OID 18 and throws `UnsupportedNativeDataType`, so describing any database fails. The
 *    native engine reads these columns as a Rust `char` (some reads, e.g. a CHECK constraint's
 *    `contype`, accept nothing else and panic on a text value), so the adapter must report them
 *    as `ColumnTypeEnum.Character`. pg already decodes the value as a one-character string.
 *    `fieldToColumnType` is module-private, so we hook the two steps around it on the objects
 *    we create (never in node_modules): the adapter's private `performIO` relabels OID 18 fields
 *    as `text` (so the mapping does not throw) and remembers their positions; our `queryRaw`
 *    wrapper then reports those columns as Character. It relies on adapter-pg internals, which
 *    is why the version is pinned; the guard below fails loudly if they change.
 *
 * 2. `executeScript`. adapter-pg splits scripts on every `;` and runs the pieces one by one,
 *    which breaks any migration containing a `;` inside a string, a `DO $$ ... $$` block or a
 *    function body, and runs the pieces outside any transaction. The native engine sends the
 *    whole script in one simple-protocol query (PostgreSQL then runs it as one implicit
 *    transaction); we do the same.
 *
 * 3. Shadow databases. adapter-pg's `connectToShadowDb` creates a randomly named database and
 *    drops it only when the engine disposes the connection. Ours are created on a server we are
 *    told about, named `shopstream_shadow_<time>_<random>`, and `close()` drops whatever is left
 *    even when the engine failed half-way.
 */
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** The adapter-pg internals we hook into (see note 1 above). */
interface AdapterInternals {
  performIO(query: SqlQuery): Promise<{ fields: Array<{ dataTypeID: number }>; rows: unknown[][] }>;
  onError(error: unknown): never;
}

function internals(target: object): AdapterInternals {
  const candidate = target as Partial<AdapterInternals>;
  if (typeof candidate.performIO !== "function" || typeof candidate.onError !== "function") {
    throw new Error(
      "@prisma/adapter-pg no longer has the internal performIO/onError methods that " +
        'packages/db/src/migrate/pg-adapter.ts patches; re-check the "char" (OID 18) workaround.',
    );
  }
  return candidate as AdapterInternals;
}

/** Result row arrays of queries that returned `"char"` columns -> those columns' positions. */
const charColumns = new WeakMap<unknown[], number[]>();

/** Makes a queryable (adapter or transaction) report `"char"` result columns as Character. */
function reportCharAsCharacter<T extends SqlQueryable>(queryable: T): T {
  const host = internals(queryable);
  const performIO = host.performIO.bind(host);
  host.performIO = async (query) => {
    const result = await performIO(query);
    const positions: number[] = [];
    result.fields.forEach((field, i) => {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID;
        positions.push(i);
      }
    });
    if (positions.length > 0) charColumns.set(result.rows, positions);
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    // queryRaw passes pg's `rows` array through unchanged, so it identifies the query.
    for (const i of charColumns.get(resultSet.rows) ?? []) {
      resultSet.columnTypes[i] = ColumnTypeEnum.Character;
    }
    return resultSet;
  };
  return queryable;
}

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;

function patchAdapter(adapter: PgAdapter): PgAdapter {
  reportCharAsCharacter(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) =>
    reportCharAsCharacter(await startTransaction(isolationLevel));
  adapter.executeScript = async (script: string) => {
    try {
      await adapter.underlyingDriver().query(script);
    } catch (error) {
      internals(adapter).onError(error);
    }
  };
  return adapter;
}

/** Returns `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** The database name in a connection string (absent: the user name, as libpq defaults it). */
export function databaseOf(url: string): string {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  return name || decodeURIComponent(parsed.username) || "postgres";
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Runs `fn` with a short-lived single connection. */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    const { host, port } = new URL(url);
    throw new Error(
      `Cannot connect to PostgreSQL at ${host || "localhost"}${port ? "" : ":5432"}, database "${databaseOf(url)}": ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A unique name for a throwaway database: `shopstream_shadow_<UTC time>_<random>`. */
export function throwawayDatabaseName(): string {
  const time = new Date()
    .toISOString()
    .replace(/[-:TZ.]/g, "")
    .slice(0, 14);
  return `shopstream_shadow_${time}_${randomBytes(4).toString("hex")}`;
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
}

/** Drops a database, disconnecting any session still using it (PostgreSQL 13+). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}

/**
 * Migration-aware adapter factory for the Wasm schema engine. `shadowServerUrl` is any
 * connection string on a server where we may create databases; without it, the engine cannot
 * use a shadow database (`diff` from a migrations folder needs one).
 */
export class MigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName: string;
  readonly #inner: PrismaPg;
  readonly #open = new Set<SqlDriverAdapter>();
  readonly #cleanups: Array<() => Promise<void>> = [];

  constructor(
    readonly connectionString: string,
    readonly shadowServerUrl?: string,
  ) {
    this.#inner = new PrismaPg({ connectionString });
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.#track(patchAdapter(await this.#inner.connect()));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const serverUrl = this.shadowServerUrl;
    if (!serverUrl) {
      throw new Error(
        "This operation needs a shadow database, but no shadow server was configured.",
      );
    }
    const name = throwawayDatabaseName();
    await createDatabase(serverUrl, name);
    let dropped: Promise<void> | undefined;
    const drop = () => {
      dropped ??= dropDatabase(serverUrl, name);
      return dropped;
    };
    this.#cleanups.push(drop);
    const adapter = patchAdapter(
      await new PrismaPg({ connectionString: withDatabase(serverUrl, name) }).connect(),
    );
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await drop();
    };
    return this.#track(adapter);
  }

  #track(adapter: PgAdapter): SqlDriverAdapter {
    this.#open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      if (!this.#open.delete(adapter)) return;
      await dispose();
    };
    return adapter;
  }

  /** Closes every pool this factory opened and drops every shadow database it created. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const adapter of [...this.#open]) {
      await adapter.dispose().catch((e: unknown) => errors.push(e));
    }
    for (const cleanup of this.#cleanups.splice(0)) {
      await cleanup().catch((e: unknown) => errors.push(e));
    }
    if (errors.length > 0) throw errors[0];
  }
}
