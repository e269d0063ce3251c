import { generateInternalKeyPair, startStack } from "@shopstream/stack";
import {
  E2E_NAMESPACE,
  E2E_QUEUE_PREFIX,
  E2E_WEBHOOK_SECRET,
  TEST_REDIS_URL,
  TEST_SERVER_URL,
} from "@shopstream/testing";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    gatewayUrl: string;
    serviceUrls: Record<string, string>;
  }
}

/**
 * Starts the whole stack once for the e2e project, exactly as `pnpm dev` does, but on the test
 * databases and on ports 14000+ so it never collides with a stack a developer is running.
 */
export default async function setup(project: TestProject) {
  const lines: string[] = [];
  // The stack's gateway → subgraph key pair. A test that starts another gateway process against
  // the stack (with this process's environment) signs with the same private key.
  const internalKeys = await generateInternalKeyPair();
  process.env.INTERNAL_AUTH_PRIVATE_KEY = JSON.stringify(internalKeys.privateKey);
  const stack = await startStack({
    internalKeys,
    portBase: Number(process.env.E2E_PORT_BASE ?? 14000),
    databaseUrl: TEST_SERVER_URL,
    // Databases of its own: its workers react to every event in them, which would race the
    // integration tests' own assertions on the test databases.
    namespace: E2E_NAMESPACE,
    redisUrl: TEST_REDIS_URL,
    embedded: { dataDir: "", basePort: 0 },
    logLevel: "warn",
    // Own BullMQ keys, so a developer's running stack never consumes the tests' events.
    // A webhook secret of its own, known to tests that sign provider reports themselves.
    env: {
      QUEUE_PREFIX: E2E_QUEUE_PREFIX,
      RESERVATION_EXPIRY_EVERY_MS: "500",
      PAYMENTS_WEBHOOK_SECRET: E2E_WEBHOOK_SECRET,
      // Short enough for a test to watch an idle WebSocket being closed.
      WS_IDLE_TIMEOUT_MS: "1500",
    },
    log: (line) => {
      lines.push(line);
      if (process.env.E2E_VERBOSE) console.log(line);
    },
  }).catch((error: unknown) => {
    console.error(lines.join("\n"));
    throw error;
  });
  project.provide("gatewayUrl", stack.gatewayUrl);
  project.provide("serviceUrls", stack.serviceUrls);
  return async () => {
    await stack.stop();
  };
}
