import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import type { ContextName } from "./contexts.ts";

export interface EmbeddedPostgres {
  /** Connection string per context, reached over TCP like a real server. */
  urls: Record<ContextName, string>;
  stop(): Promise<void>;
}

/**
 * Embedded PostgreSQL for a laptop with nothing installed: one PGlite (PostgreSQL in Wasm) per
 * context, each with its data in `<dataDir>/<context>` and served over TCP by pglite-socket, so
 * services use the very same Prisma pg driver-adapter path as against a real server.
 *
 * One instance per context because a PGlite instance is a single backend bound to one database:
 * connections cannot switch databases, and one instance would also serialise every context's
 * transactions behind each other.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  basePort: number;
  contexts: readonly ContextName[];
  host?: string;
  /** Keep data in memory only (tests). */
  inMemory?: boolean;
}): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  const started: { db: PGlite; server: PGLiteSocketServer }[] = [];
  const urls = {} as Record<ContextName, string>;
  try {
    await Promise.all(
      options.contexts.map(async (context, index) => {
        let db: PGlite;
        if (options.inMemory) {
          db = await PGlite.create();
        } else {
          const dir = `${options.dataDir}/${context}`;
          mkdirSync(dir, { recursive: true });
          db = await PGlite.create({ dataDir: dir });
        }
        const port = options.basePort + index;
        // maxConnections > 1 lets a pg pool connect; PGlite still runs one statement at a time.
        const server = new PGLiteSocketServer({ db, port, host, maxConnections: 20 });
        started.push({ db, server });
        await server.start();
        urls[context] = `postgres://postgres@${host}:${port}/postgres`;
      }),
    );
  } catch (error) {
    await stopAll(started);
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not start embedded PostgreSQL (ports ${options.basePort}+): ${message}`);
  }
  return { urls, stop: () => stopAll(started) };
}

async function stopAll(started: { db: PGlite; server: PGLiteSocketServer }[]) {
  await Promise.allSettled(started.map((s) => s.server.stop()));
  await Promise.allSettled(started.map((s) => s.db.close()));
}
