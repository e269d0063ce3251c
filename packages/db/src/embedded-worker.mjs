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
  isolateConnections(server);
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

/**
 * PGlite is ONE PostgreSQL session; pglite-socket 0.2.17 lets several connections share it and
 * queues their protocol messages one at a time (keeping an explicit transaction's messages
 * together). Two things then leak between connections that a pg pool opens, and failed the
 * embedded stack now and then (seen: `portal "" does not exist` at the workers' start, an
 * internal error reading a customer just registered):
 * - an extended-protocol query is several messages (Parse, Bind, Describe, Execute, then Sync);
 *   another connection's Parse/Bind between them replaces the unnamed statement and portal. So a
 *   connection's messages are held until its Sync (or Flush, or a simple Query) and run as one
 *   batch, which PGlite executes in one go;
 * - a named prepared statement (ordering's one-statement hot paths) is the session's, so a second
 *   connection preparing the same name fails with "already exists". So statement names are made
 *   per connection (`c<id>:<name>`), and a closed connection's statements are deallocated.
 * This patches pglite-socket's internal queue (pinned version; checked below) rather than
 * replacing its server: startup, cancel and transaction hand-over stay the library's.
 */
function isolateConnections(socketServer) {
  const queue = socketServer.queryQueue;
  if (typeof queue?.enqueue !== "function" || typeof queue.clearQueueForHandler !== "function") {
    throw new Error("pglite-socket's query queue changed: review isolateConnections()");
  }
  const enqueue = queue.enqueue.bind(queue);
  const clearQueueForHandler = queue.clearQueueForHandler.bind(queue);
  /** handler id → messages held until the batch ends */
  const held = new Map();
  /** handler id → statement names (as sent to PGlite) it prepared */
  const prepared = new Map();

  queue.enqueue = (handlerId, message, onData) => {
    const type = message[0];
    // 0: the startup message (no type byte); the rest are typed messages.
    if (type !== 0) message = renameStatement(handlerId, message, prepared);
    if (HELD.has(type)) {
      const messages = held.get(handlerId) ?? [];
      messages.push(message);
      held.set(handlerId, messages);
      return Promise.resolve(0);
    }
    const before = held.get(handlerId);
    if (!before) return enqueue(handlerId, message, onData);
    held.delete(handlerId);
    return enqueue(handlerId, concat([...before, message]), onData);
  };

  queue.clearQueueForHandler = (handlerId) => {
    clearQueueForHandler(handlerId);
    held.delete(handlerId);
    const names = prepared.get(handlerId);
    prepared.delete(handlerId);
    if (!names?.size) return;
    const sql = [...names].map((n) => `DEALLOCATE "${n.replaceAll('"', '""')}";`).join(" ");
    // Run as a connection of its own (id -1) once the session is free; nothing reads the answer.
    enqueue(-1, simpleQuery(sql), () => undefined).catch(() => undefined);
  };
}

// Parse, Bind, Describe, Execute, Close: an extended query's messages before its Sync.
const HELD = new Set([0x50, 0x42, 0x44, 0x45, 0x43]);
const P = 0x50;
const B = 0x42;
const D = 0x44;
const C = 0x43;
const S = 0x53;

/** The message with its prepared-statement name (if any, and not the unnamed one) made per handler. */
function renameStatement(handlerId, message, prepared) {
  const type = message[0];
  let at; // offset of the statement name
  if (type === P) at = 5;
  else if (type === B)
    at = message.indexOf(0, 5) + 1; // after the portal name
  else if ((type === D || type === C) && message[5] === S) at = 6;
  else return message;
  const end = message.indexOf(0, at);
  if (end <= at) return message; // the unnamed statement
  const name = `c${handlerId}:${Buffer.from(message.subarray(at, end)).toString()}`;
  if (type === P) {
    const names = prepared.get(handlerId) ?? new Set();
    names.add(name);
    prepared.set(handlerId, names);
  } else if (type === C) prepared.get(handlerId)?.delete(name);
  const renamed = Buffer.concat([
    message.subarray(0, at),
    Buffer.from(name),
    message.subarray(end),
  ]);
  renamed.writeInt32BE(renamed.length - 1, 1);
  return new Uint8Array(renamed);
}

function simpleQuery(sql) {
  const text = Buffer.from(`${sql}\0`);
  const message = Buffer.alloc(5 + text.length);
  message[0] = 0x51; // Q
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return new Uint8Array(message);
}

function concat(messages) {
  return new Uint8Array(Buffer.concat(messages));
}
