import { Worker } from "node:worker_threads";
import type { ContextName } from "./contexts.ts";

export interface EmbeddedPostgres {
  /** Connection string per context, reached over TCP like a real server. */
  urls: Record<ContextName, string>;
  stop(): Promise<void>;
}

type WorkerMessage = { type: "ready" } | { type: "stopped" } | { type: "error"; message: string };

/**
 * Embedded PostgreSQL for a laptop with nothing installed: one PGlite (PostgreSQL in Wasm) per
 * context, each with its data in `<dataDir>/<context>` and served over TCP by pglite-socket, so
 * services use the very same Prisma pg driver-adapter path as against a real server.
 *
 * One instance per context because a PGlite instance is a single backend bound to one database:
 * connections cannot switch databases, and one instance would also serialise every context's
 * transactions behind each other. Each runs in a worker thread of its own: starting one is about
 * a second of CPU (loading PostgreSQL's files, recovery), which five instances on one thread paid
 * one after another, and afterwards the contexts' statements would still queue on that thread.
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
  const workers: Worker[] = [];
  const exited = new Set<Worker>();
  const urls = {} as Record<ContextName, string>;
  const results = await Promise.allSettled(
    options.contexts.map((context, index) => {
      const port = options.basePort + index;
      const worker = new Worker(new URL("./embedded-worker.mjs", import.meta.url), {
        workerData: {
          dataDir: options.inMemory ? null : `${options.dataDir}/${context}`,
          port,
          host,
        },
      });
      workers.push(worker);
      worker.once("exit", () => exited.add(worker));
      urls[context] = `postgres://postgres@${host}:${port}/postgres`;
      return nextMessage(worker).then((message) => {
        if (message.type === "error") throw new Error(message.message);
      });
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await stopAll(workers, exited);
    const message = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
    throw new Error(`Could not start embedded PostgreSQL (ports ${options.basePort}+): ${message}`);
  }
  return { urls, stop: () => stopAll(workers, exited) };
}

function nextMessage(worker: Worker): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`embedded PostgreSQL exited (${code})`));
    worker.once("error", reject);
    worker.once("exit", onExit);
    worker.once("message", (message: WorkerMessage) => {
      worker.off("error", reject);
      worker.off("exit", onExit);
      resolve(message);
    });
  });
}

/** Stops each server and closes its database (a clean shutdown: PGlite checkpoints). */
async function stopAll(workers: Worker[], exited: Set<Worker>) {
  await Promise.allSettled(
    workers.map(async (worker) => {
      if (exited.has(worker)) return;
      const stopped = nextMessage(worker).catch(() => undefined);
      worker.postMessage("stop");
      await stopped;
      await worker.terminate();
    }),
  );
}
