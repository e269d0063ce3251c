import { type ChildProcess, spawn } from "node:child_process";
import { get } from "node:http";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DEV_KEY_FILE, generateInternalKeyPair, type InternalKeyPair } from "@shopstream/auth";
import {
  applyMigrations,
  CONTEXTS,
  type ContextName,
  contextDatabaseUrl,
  contextPaths,
  type EmbeddedPostgres,
  ensureDatabase,
  startEmbeddedPostgres,
} from "@shopstream/db";
import { checkRedis } from "@shopstream/redis";
import { ensureBuilt } from "../bin/build.mjs";
import { portBaseProblem } from "./ports.ts";
import { ALL_SPECS, GATEWAY_SPEC, type ServiceSpec } from "./services.ts";
import { type RestartPolicy, type SupervisedProcess, supervise } from "./supervisor.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface StackOptions {
  /** Gateway port; subgraphs use base+1..base+5 and workers base+10. */
  portBase: number;
  /** A PostgreSQL server URL; when absent, PostgreSQL is embedded (PGlite). */
  databaseUrl?: string;
  /** Use the `shopstream_test_*` databases. */
  test?: boolean;
  /** Use databases of a namespace of their own, `shopstream_<namespace>_*`. */
  namespace?: string;
  redisUrl: string;
  embedded: { dataDir: string; basePort: number; inMemory?: boolean };
  logLevel: string;
  /** Receives every line the services print, prefixed with the service name. */
  log: (line: string) => void;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /**
   * Client sign-in at the gateway: `dev` (the default) verifies tokens of `pnpm token`, signed
   * with the key in `devKeyFile` (default: the gateway's `AUTH_DEV_KEY_FILE`, else
   * `<repo>/.data/auth/dev-signing-key.json`; made by the gateway on its first start).
   */
  auth?: { mode?: "dev" | "oidc"; devKeyFile?: string };
  /**
   * The gateway → subgraph key pair; a new one for this start when absent. Given by a caller that
   * starts more processes against the stack itself (the e2e setup: a second gateway).
   */
  internalKeys?: InternalKeyPair;
  readyTimeoutMs?: number;
  /**
   * How a service that dies after start-up is restarted (with backoff; given up on after too many
   * crashes in a short window). A crash during start-up fails the start instead.
   */
  restartPolicy?: RestartPolicy;
}

export interface RunningStack {
  gatewayUrl: string;
  serviceUrls: Record<string, string>;
  databaseUrls: Record<ContextName, string>;
  embedded: boolean;
  /** Process id of each service, updated when one is restarted (benchmarks read their memory). */
  pids: Record<string, number>;
  /**
   * Resolves when a service dies and is not restarted: it crashed more often than the restart
   * policy tolerates. A service that dies once is restarted (and the log says so).
   */
  crashed: Promise<{ service: string; code: number | null }>;
  stop(): Promise<void>;
}

export class StackError extends Error {
  override name = "StackError";
}

const COLORS = [36, 35, 33, 32, 34, 91, 92, 93];

/**
 * Brings up the whole stack: checks Redis, starts embedded PostgreSQL when no server is given,
 * creates and migrates every context's database, then starts the five subgraphs, the gateway
 * and the workers as child processes, and waits until the gateway is ready.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const portProblem = portBaseProblem(options.portBase);
  if (portProblem) throw new StackError(`port base ${options.portBase} ${portProblem}`);
  await checkRedis(options.redisUrl, { pipeline: true }).catch((error: Error) => {
    throw new StackError(error.message);
  });

  const phases: string[] = [];
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const began = performance.now();
    const result = await work();
    phases.push(`${phase} ${((performance.now() - began) / 1000).toFixed(1)} s`);
    return result;
  };
  const startedAt = performance.now();

  // Bundling (when sources changed) and the embedded databases' start overlap: one is mostly
  // the esbuild process, the other this one.
  const build = timed("build", () =>
    ensureBuilt(
      REPO_ROOT,
      ALL_SPECS.map((spec) => spec.entry),
      { log: options.log },
    ),
  );
  build.catch(() => undefined); // awaited below; a failure before that must not go unhandled
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrls: Record<ContextName, string>;
  if (options.databaseUrl) {
    const server = options.databaseUrl;
    databaseUrls = Object.fromEntries(
      CONTEXTS.map((c) => [
        c,
        contextDatabaseUrl(server, c, {
          test: options.test ?? false,
          ...(options.namespace ? { namespace: options.namespace } : {}),
        }),
      ]),
    ) as Record<ContextName, string>;
  } else {
    embedded = await timed("embedded PostgreSQL", () =>
      startEmbeddedPostgres({ ...options.embedded, contexts: CONTEXTS }),
    ).catch(async (error) => {
      await build.catch(() => undefined);
      throw error;
    });
    databaseUrls = embedded.urls;
  }

  const children: { spec: ServiceSpec; process: SupervisedProcess }[] = [];
  const pids: Record<string, number> = {};
  let started = false;
  const stop = async () => {
    await Promise.all(children.map(({ process }) => process.stop()));
    await embedded?.stop();
  };

  try {
    // Each context has its own database, so their checks run side by side; an up-to-date one
    // costs one query (see applyMigrations).
    await timed("migrations", () =>
      Promise.all(
        CONTEXTS.map(async (context) => {
          const url = databaseUrls[context];
          const created = await ensureDatabase(url);
          const { applied } = await applyMigrations({
            connectionString: url,
            migrationsDir: contextPaths(context).migrationsDir,
          });
          if (created || applied.length > 0)
            options.log(
              `[db] ${context}: ${created ? "database created, " : ""}${applied.length} migration(s) applied${applied.length ? ` (${applied.join(", ")})` : ""}`,
            );
        }),
      ),
    );
    const { bundles } = await build;

    const port = (spec: ServiceSpec) => options.portBase + spec.portOffset;
    const serviceUrls: Record<string, string> = {};
    const baseEnv: Record<string, string> = {
      REDIS_URL: options.redisUrl,
      LOG_LEVEL: options.logLevel,
      ...Object.fromEntries(
        CONTEXTS.map((c) => [`${c.toUpperCase()}_DATABASE_URL`, databaseUrls[c]]),
      ),
      ...Object.fromEntries(
        ALL_SPECS.filter((s) => s.context).map((s) => [
          `${s.name.toUpperCase()}_URL`,
          `http://127.0.0.1:${port(s)}/graphql`,
        ]),
      ),
      PAYMENTS_WEBHOOK_URL: `http://127.0.0.1:${options.portBase + 5}/webhooks/payments`,
      PAYMENT_PROVIDER_URL: `http://127.0.0.1:${options.portBase + 20}`,
      ...options.env,
    };

    // Gateway → subgraph tokens: a key pair of this start's own. Only the gateway gets the
    // private half; every subgraph gets the public one to verify the gateway's tokens with.
    const internalKeys = options.internalKeys ?? (await generateInternalKeyPair());
    const serviceEnv = (spec: ServiceSpec): Record<string, string> =>
      spec === GATEWAY_SPEC
        ? {
            INTERNAL_AUTH_PRIVATE_KEY: JSON.stringify(internalKeys.privateKey),
            ...(options.auth?.mode ? { AUTH_MODE: options.auth.mode } : {}),
            ...(options.auth?.devKeyFile ? { AUTH_DEV_KEY_FILE: options.auth.devKeyFile } : {}),
          }
        : spec.context
          ? { INTERNAL_AUTH_PUBLIC_KEYS: JSON.stringify([internalKeys.publicKey]) }
          : {};

    let onCrash: (value: { service: string; code: number | null }) => void = () => {};
    const crashed = new Promise<{ service: string; code: number | null }>((resolve) => {
      onCrash = resolve;
    });

    ALL_SPECS.forEach((spec, index) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        ...baseEnv,
        ...serviceEnv(spec),
        PORT: String(port(spec)),
        HOST: "127.0.0.1",
      };
      delete env.DATABASE_URL;
      // The private key reaches the gateway only, whatever the orchestrator's own environment.
      if (spec !== GATEWAY_SPEC) delete env.INTERNAL_AUTH_PRIVATE_KEY;
      const prefix = `\x1b[${COLORS[index % COLORS.length]}m[${spec.name}]\x1b[0m`;
      const start = (): ChildProcess => {
        // Plain node on the bundle: no TypeScript compiled, no loader hooks in the service.
        const profile = process.env.START_PROFILE_DIR
          ? ["--cpu-prof", `--cpu-prof-dir=${process.env.START_PROFILE_DIR}`]
          : [];
        // START_WITH_TSX=1: the sources through tsx, as before the build step (the bench's
        // reference, and a way to rule the bundles out when something looks wrong).
        const program =
          process.env.START_WITH_TSX === "1"
            ? ["--import", "tsx", spec.entry]
            : ["--enable-source-maps", bundles[spec.entry]!];
        const child = spawn(process.execPath, [...profile, ...program], {
          cwd: REPO_ROOT,
          env,
          // The IPC channel is only a lifeline: a service stops itself when it closes, so no
          // service outlives an orchestrator that was killed outright.
          stdio: ["ignore", "pipe", "pipe", "ipc"],
          // Own process group: a terminal Ctrl-C reaches only the orchestrator, which then stops
          // the services in order instead of racing their own signal handlers.
          detached: true,
        });
        for (const stream of [child.stdout, child.stderr]) {
          if (stream)
            createInterface({ input: stream }).on("line", (line) =>
              options.log(`${prefix} ${line}`),
            );
        }
        pids[spec.name] = child.pid ?? -1;
        return child;
      };
      const supervised = supervise({
        name: spec.name,
        start,
        ...(options.restartPolicy ? { policy: options.restartPolicy } : {}),
        log: options.log,
        restarting: () => started,
        onFatal: ({ service, code }) => onCrash({ service, code }),
      });
      children.push({ spec, process: supervised });
      serviceUrls[spec.name] = `http://127.0.0.1:${port(spec)}`;
    });

    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    const gatewayBase = serviceUrls.gateway!;
    const servicesStartedAt = performance.now();
    const readyAfter: string[] = [];
    const ready = Promise.all(
      ALL_SPECS.map(async (spec) => {
        await waitFor(
          `${serviceUrls[spec.name]}/${spec.name === "gateway" ? "ready" : "health"}`,
          deadline,
        );
        readyAfter.push(
          `${spec.name} ${((performance.now() - servicesStartedAt) / 1000).toFixed(1)} s`,
        );
      }),
    );
    const first = await Promise.race([ready.then(() => null), crashed]);
    if (first)
      throw new StackError(`${first.service} exited with code ${first.code} during start-up`);
    phases.push(`services ${((performance.now() - servicesStartedAt) / 1000).toFixed(1)} s`);
    options.log(
      `• start-up: ${phases.join(", ")}; total ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n` +
        `  ready after spawn: ${readyAfter.join(", ")}`,
    );
    started = true;

    return {
      gatewayUrl: `${gatewayBase}/graphql`,
      serviceUrls,
      databaseUrls,
      embedded: embedded !== undefined,
      pids,
      crashed,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The development sign-in key's default place (the gateway's and `pnpm token`'s default). */
export const DEFAULT_DEV_KEY_FILE = `${REPO_ROOT}${DEV_KEY_FILE}`;

async function waitFor(url: string, deadline: number): Promise<void> {
  for (;;) {
    if (await answersOk(url)) return;
    if (Date.now() > deadline) throw new StackError(`timed out waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether a GET of `url` answers 2xx within a second. node:http rather than fetch: fetch refuses
 * the Fetch standard's "bad ports", and a probe must reach a service on whatever port it has.
 */
function answersOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 1000 }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      resolve(status >= 200 && status < 300);
    });
    request.on("timeout", () => {
      request.destroy();
      resolve(false);
    });
    request.on("error", () => resolve(false));
  });
}
