import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded.ts";

// Embedded PostgreSQL is one PGlite session shared by every connection a pg pool opens: these
// run what leaked between connections (an extended query's unnamed statement and portal, a
// named prepared statement) from many connections at once.

let embedded: EmbeddedPostgres;
let pool: pg.Pool;
let dataDir = "";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  // On disk as `npm start` runs it: each statement's flush to disk lets other connections in.
  dataDir = await mkdtemp(path.join(tmpdir(), "embedded-pg-"));
  embedded = await startEmbeddedPostgres({
    dataDir,
    basePort: await freePort(),
    contexts: ["identity"],
  });
  pool = new pg.Pool({ connectionString: embedded.urls.identity, max: 8 });
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await embedded?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("embedded PostgreSQL shared by a pool's connections", () => {
  it("keeps each connection's extended queries whole", async () => {
    // Each query's text differs: a Bind that met another connection's Parse answers its query.
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        pool.query<{ n: number; tag: string }>(`SELECT $1::int AS n, 'q${i}' AS tag`, [i]),
      ),
    );
    expect(results.map((r) => r.rows)).toEqual(results.map((_, i) => [{ n: i, tag: `q${i}` }]));
  });

  it("lets every connection prepare the same statement name", async () => {
    const clients = await Promise.all(Array.from({ length: 6 }, () => pool.connect()));
    try {
      const results = await Promise.all(
        clients.flatMap((client, c) =>
          [1, 2, 3].map((k) =>
            client.query<{ v: number }>({
              name: "embedded.same-name",
              text: "SELECT $1::int * 10 AS v",
              values: [c * 100 + k],
            }),
          ),
        ),
      );
      expect(results.map((r) => r.rows[0]!.v)).toEqual(
        clients.flatMap((_, c) => [1, 2, 3].map((k) => (c * 100 + k) * 10)),
      );
    } finally {
      // Destroyed, not released: a closed connection's statements are deallocated.
      for (const client of clients) client.release(true);
    }
    // Once the server has seen them close, the session holds no statement of theirs.
    const left = async () =>
      (
        await pool.query<{ count: number }>(
          "SELECT count(*)::int AS count FROM pg_prepared_statements WHERE name LIKE '%embedded.same-name'",
        )
      ).rows[0]!.count;
    const deadline = Date.now() + 10_000;
    while ((await left()) > 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    expect(await left()).toBe(0);
  });

  it("keeps a transaction to its own connection", async () => {
    await pool.query("CREATE TABLE IF NOT EXISTS tx_probe (id int primary key)");
    const inTx = await pool.connect();
    try {
      await inTx.query("BEGIN");
      await inTx.query("INSERT INTO tx_probe VALUES (1)");
      // Another connection's read waits for the transaction instead of running inside it.
      const outside = pool.query<{ count: number }>("SELECT count(*)::int AS count FROM tx_probe");
      await inTx.query("ROLLBACK");
      expect((await outside).rows[0]!.count).toBe(0);
    } finally {
      inTx.release();
    }
  });
});
