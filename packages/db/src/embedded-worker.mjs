// One context's embedded PostgreSQL (PGlite behind pglite-socket), run in a worker thread by
// embedded.ts. Plain JS so it loads the same way under tsx, vitest and the start command's
// bundle. Messages: → {type: "ready"} | {type: "error", message}; ← "stop" → {type: "stopped"}.
import { mkdirSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const { dataDir, port, host } = workerData;
let db;
let server;
try {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  db = await PGlite.create(dataDir ? { dataDir } : {});
  // maxConnections > 1 lets a pg pool connect; PGlite still runs one statement at a time.
  server = new PGLiteSocketServer({ db, port, host, maxConnections: 20 });
  await server.start();
  parentPort.postMessage({ type: "ready" });
} catch (error) {
  await server?.stop().catch(() => undefined);
  await db?.close().catch(() => undefined);
  parentPort.postMessage({
    type: "error",
    message: error instanceof Error ? error.message : String(error),
  });
  parentPort.close();
}

parentPort.on("message", async (message) => {
  if (message !== "stop") return;
  await server?.stop().catch(() => undefined);
  await db?.close().catch(() => undefined);
  parentPort.postMessage({ type: "stopped" });
  parentPort.close();
});
