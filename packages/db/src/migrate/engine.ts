/**
 * Loads Prisma's Wasm schema engine (`@prisma/schema-engine-wasm`, the engine the Prisma CLI
 * bundles) and runs one operation against a driver adapter.
 *
 * Why we instantiate the `.wasm` ourselves: the package's entry point (`schema_engine.js`) does
 * `import * as wasm from "./schema_engine_bg.wasm"`, an ES-module import of WebAssembly that
 * Node 20 only accepts with `--experimental-wasm-modules` (and vitest would need the same flag).
 * The entry point is four lines of glue: it hands the instance's exports to the JS bindings in
 * `schema_engine_bg.js` and calls `__wbindgen_start`. We do the same by hand: compile the bytes,
 * instantiate them with the bindings module as the import object (the module's only import
 * namespace is `./schema_engine_bg.js`), then `__wbg_set_wasm` + `__wbindgen_start`. No flags.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import { MigrationAdapterFactory } from "./pg-adapter.ts";

export type SchemaEngine = bindings.SchemaEngine;
export type {
  DiffParams,
  MigrationDirectory,
  MigrationList,
  SchemaFilter,
} from "@prisma/schema-engine-wasm/schema_engine_bg";

/** No external tables/enums: the engine manages everything in the schema. */
export const NO_FILTER: bindings.SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * The instantiation promise lives on `globalThis`, not in this module: the JS glue
 * (`schema_engine_bg.js`, in node_modules) is loaded once per process, but this file can be
 * evaluated more than once (vitest evaluates workspace sources per project). A second
 * `__wbg_set_wasm` would swap the memory under engines the first instance is running.
 */
const LOADED = Symbol.for("shopstream.schema-engine-wasm.loaded");
const processGlobals = globalThis as typeof globalThis & { [LOADED]?: Promise<void> };

/**
 * The slice of the WebAssembly JS API we use. The repo's TypeScript config has no DOM lib, and
 * @types/node does not declare these, so we type them here.
 */
type WasmImports = Record<string, Record<string, unknown>>;
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: WasmImports,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
  RuntimeError: new (message?: string) => Error;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * Two of the Wasm module's imports are replaced (the rest are the generated bindings):
 *
 * - `setTimeout`: the engine races some steps (e.g. taking Prisma Migrate's advisory lock)
 *   against a 10 s timer it never clears, which would keep a CLI process alive for 10 s after the
 *   work is done. Its timers are `unref`ed; pending database I/O still holds the event loop.
 * - `queueMicrotask`: the engine's futures run in microtasks, so a Rust panic (a Wasm `unreachable`
 *   trap) would be thrown from a microtask as an uncaught exception and crash the process. We
 *   catch the trap there and fail the operations in flight with the panic message instead.
 */
function engineImports(module: object): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...module };
  const guardedQueueMicrotask = (callback: () => void) =>
    queueMicrotask(() => {
      try {
        callback();
      } catch (error) {
        if (!(error instanceof wasm.RuntimeError) || !onPanic(error)) throw error;
      }
    });
  for (const [name, value] of Object.entries(imports)) {
    if (typeof value !== "function") continue;
    const original = value as (...args: unknown[]) => unknown;
    if (name.startsWith("__wbg_setTimeout_")) {
      imports[name] = (...args: unknown[]) => {
        const timer = original(...args);
        (timer as { unref?: () => void }).unref?.();
        return timer;
      };
    } else if (name.startsWith("__wbg_queueMicrotask_")) {
      // One variant reads `globalThis.queueMicrotask` (to call it later), the other calls it.
      imports[name] = (arg: unknown) =>
        typeof arg === "function"
          ? guardedQueueMicrotask(arg as () => void)
          : typeof original(arg) === "function"
            ? guardedQueueMicrotask
            : original(arg);
    }
  }
  return imports;
}

/** Compiles and starts the Wasm module once per process. */
function loadWasm(): Promise<void> {
  let loaded = processGlobals[LOADED];
  loaded ??= processGlobals[LOADED] = (async () => {
    const require = createRequire(import.meta.url);
    // The package's `exports` only expose its JS entry points; its folder holds the .wasm.
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
    const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
    const imports = { "./schema_engine_bg.js": engineImports(bindings) };
    const { instance } = await wasm.instantiate(bytes, imports);
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  loaded.catch(() => {
    processGlobals[LOADED] = undefined;
  });
  return loaded;
}

/** A schema-engine failure, with Prisma's error code (e.g. `P3009`) when the engine gives one. */
export class SchemaEngineError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(code ? `${code}: ${message}` : message, options);
    this.name = "SchemaEngineError";
  }
}

// --- Panics ---------------------------------------------------------------------------------
// The engine's Rust panic hook reports the message through this global (the Prisma CLI installs
// one too), then traps. After a panic the instance's state is undefined ("no method is safe to
// call after a panic"), and the JS glue cannot be re-bound to a fresh instance, so every later
// operation in this process fails fast with the original panic.

interface PanicRegistry {
  set_message(message: string): void;
}
const globals = globalThis as typeof globalThis & { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
const previousRegistry = globals.PRISMA_WASM_PANIC_REGISTRY;
let panicMessage: string | undefined;
globals.PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message) {
    panicMessage = message;
    previousRegistry?.set_message(message);
  },
};

let panicked: SchemaEngineError | undefined;
const inFlight = new Set<(error: Error) => void>();

/** Fails every operation in flight; returns false when none was (the trap is not ours to handle). */
function onPanic(trap: Error): boolean {
  panicked = new SchemaEngineError(
    `schema engine panicked: ${panicMessage ?? trap.message}`,
    undefined,
    {
      cause: trap,
    },
  );
  if (inFlight.size === 0) return false;
  for (const fail of inFlight) fail(panicked);
  inFlight.clear();
  return true;
}

/**
 * Engine errors carry a Rust span trace ("   0: sql_schema_connector::... with migration_name=
 * ..."). We keep the message lines and name the migration involved, if any.
 */
function toError(error: unknown): Error {
  if (error instanceof SchemaEngineError) return error;
  if (error instanceof wasm.RuntimeError) {
    onPanic(error);
    return panicked ?? new SchemaEngineError(error.message);
  }
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === "string" && message ? message : String(error);
  const lines = text.split("\n");
  const traceStart = lines.findIndex((line) => /^\s+\d+: /.test(line));
  const summary = (traceStart === -1 ? lines : lines.slice(0, traceStart))
    .map((line) => line.trim())
    .filter(Boolean)
    .join("\n");
  const migration = /migration_name="([^"]+)"/.exec(text)?.[1];
  return new SchemaEngineError(
    migration ? `migration ${migration} failed: ${summary}` : summary,
    typeof code === "string" ? code : undefined,
    { cause: error },
  );
}

export interface EngineTarget {
  /** The database the engine connects to (it must exist). */
  connectionString: string;
  /** A server where throwaway shadow databases may be created, when the operation needs one. */
  shadowServerUrl?: string;
}

/**
 * Starts a schema engine on `target`, runs `operation`, and always frees the engine, closes its
 * connections and drops any shadow database it created.
 */
export async function withSchemaEngine<T>(
  target: EngineTarget,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  if (panicked) throw panicked;
  await loadWasm();
  const factory = new MigrationAdapterFactory(target.connectionString, target.shadowServerUrl);
  let engine: SchemaEngine | undefined;
  let fail: (error: Error) => void = () => undefined;
  const panicFailure = new Promise<never>((_, reject) => {
    fail = reject;
  });
  inFlight.add(fail);
  try {
    const work = (async () => {
      engine = await bindings.SchemaEngine.new(
        { datamodels: undefined },
        () => undefined, // engine trace logs: not needed
        bindMigrationAwareSqlAdapterFactory(factory),
      );
      return run(engine);
    })();
    work.catch(() => undefined); // if a panic wins the race, `work` never settles or fails late
    return await Promise.race([work, panicFailure]);
  } catch (error) {
    throw toError(error);
  } finally {
    inFlight.delete(fail);
    // Close the connections (and drop shadow databases) before freeing the engine: a pooled
    // connection terminated by the drop reports its error through the engine's callbacks, which
    // must not run into freed Wasm memory.
    try {
      await factory.close();
    } finally {
      if (!panicked) engine?.free();
    }
  }
}
