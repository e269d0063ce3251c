/**
 * `pnpm dev` (and `npm start` after installing): starts the whole stack in the foreground. Ctrl-C stops every process.
 * Configuration is validated first; see the README's configuration table.
 */
import { performance } from "node:perf_hooks";
import { env, loadConfig, loadConfigOrExit, z } from "@shopstream/config";
import { portBaseProblem } from "./ports.ts";
import { DEFAULT_DEV_KEY_FILE, REPO_ROOT, startStack } from "./stack.ts";

const t0 = performance.now();
const config = loadConfigOrExit("shopstream", () =>
  loadConfig(
    z.object({
      PORT_BASE: env.port(4000).superRefine((base, ctx) => {
        const problem = portBaseProblem(base);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
      DATABASE_URL: env.postgresUrl().optional(),
      REDIS_URL: env.redisUrl(),
      EMBEDDED_PG_DATA_DIR: z.string().default(`${REPO_ROOT}.data/pglite`),
      EMBEDDED_PG_PORT: env.port(5440),
      LOG_LEVEL: env.logLevel(),
      // Client sign-in at the gateway (README, "Authentication"); the gateway reads the rest.
      AUTH_MODE: z.enum(["dev", "oidc"], { message: "must be dev or oidc" }).default("dev"),
      AUTH_DEV_KEY_FILE: z.string().default(DEFAULT_DEV_KEY_FILE),
    }),
  ),
);

console.log(
  config.DATABASE_URL
    ? `• PostgreSQL: ${new URL(config.DATABASE_URL).host} (databases shopstream_<context>)`
    : `• PostgreSQL: embedded PGlite, data in ${config.EMBEDDED_PG_DATA_DIR} (set DATABASE_URL to use a server)`,
);

let stack: Awaited<ReturnType<typeof startStack>>;
try {
  stack = await startStack({
    portBase: config.PORT_BASE,
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    redisUrl: config.REDIS_URL,
    embedded: { dataDir: config.EMBEDDED_PG_DATA_DIR, basePort: config.EMBEDDED_PG_PORT },
    logLevel: config.LOG_LEVEL,
    auth: { mode: config.AUTH_MODE, devKeyFile: config.AUTH_DEV_KEY_FILE },
    log: (line) => console.log(line),
  });
} catch (error) {
  console.error(
    `\n✗ ShopStream did not start.\n${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}

console.log(
  `\n✓ ShopStream is up in ${Math.round(performance.now() - t0)} ms\n` +
    `  GraphQL API and GraphiQL: ${stack.gatewayUrl.replace("127.0.0.1", "localhost")}\n` +
    `  Subgraphs: ${Object.entries(stack.serviceUrls)
      .filter(([name]) => name !== "gateway" && name !== "workers")
      .map(([name, url]) => `${name} ${url}`)
      .join(", ")}\n` +
    (config.AUTH_MODE === "dev"
      ? `  Sign in (development): pnpm token --role <role> | --customer <externalId> prints a bearer token\n`
      : `  Sign in: tokens of your identity provider (AUTH_MODE=oidc)\n`) +
    `  Press Ctrl-C to stop.\n`,
);

let stopping = false;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log("\n• stopping…");
  await stack.stop();
  console.log("✓ stopped");
  process.exit(code);
};
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
// A service that dies is restarted with backoff (the log says so); one that keeps dying is given
// up on, and then the stack stops rather than run without it.
stack.crashed.then(({ service, code }) => {
  console.error(`✗ ${service} kept crashing (last exit code ${code}); stopping the stack`);
  void shutdown(1);
});
