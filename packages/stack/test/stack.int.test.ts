import { spawn } from "node:child_process";
import { freePortRange, graphql, TEST_REDIS_URL, unique } from "@shopstream/testing";
import { pollUntil } from "@shopstream/testing/kit";
import { tokens } from "@shopstream/testing/tokens";
import { describe, expect, it } from "vitest";
import { StackError, startStack } from "../src/stack.ts";

describe("startStack", () => {
  it("runs the whole stack on embedded PostgreSQL (PGlite) when no DATABASE_URL is given", async () => {
    const lines: string[] = [];
    const stack = await startStack({
      // Ports of its own, clear of any stack a developer or an e2e run has up.
      portBase: await freePortRange(21),
      redisUrl: TEST_REDIS_URL,
      embedded: { dataDir: "", basePort: await freePortRange(5), inMemory: true },
      logLevel: "warn",
      log: (line) => lines.push(line),
      env: { QUEUE_PREFIX: "shopstream-embedded-test" },
    });
    try {
      expect(stack.embedded).toBe(true);
      expect(lines.filter((l) => l.startsWith("[db]"))).toHaveLength(5);
      const id = unique("embedded");
      // The customer signs up and reads themself back, signed in with the stack's dev key.
      const me = await tokens.headers({ customer: id });
      const result = await graphql<{ registerCustomer: { id: string; email: string } }>(
        stack.gatewayUrl,
        `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id email } }`,
        {
          input: {
            externalId: id,
            email: `${id}@example.com`,
            firstName: "Embedded",
            lastName: "Pg",
          },
        },
        me,
      );
      expect(result.errors).toBeUndefined();
      const read = await graphql(
        stack.gatewayUrl,
        `query($id: ID!) { customer(id: $id) { email } }`,
        {
          id: result.data!.registerCustomer.id,
        },
        me,
      );
      // The stack's warnings and errors say why when this fails.
      expect(read, lines.join("\n")).toEqual({
        data: { customer: { email: `${id}@example.com` } },
      });
    } finally {
      await stack.stop();
    }
    // Five in-memory PGlites run initdb at start: over a minute on a loaded 2-core machine.
  }, 240_000);

  it("refuses a Redis that may evict keys, saying how to fix it", async () => {
    const port = await freePortRange(1);
    const redis = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--maxmemory-policy",
        "allkeys-lru",
      ],
      {
        stdio: "ignore",
      },
    );
    try {
      // Until redis-server listens, the stack only says that Redis is not reachable.
      const error = await pollUntil(
        "redis-server to answer",
        () => startingError(`redis://127.0.0.1:${port}`),
        (e) => !(e as Error | null)?.message.includes("not reachable"),
        { timeoutMs: 10_000 },
      );
      expect(error).toBeInstanceOf(StackError);
      expect((error as Error).message).toMatch(/maxmemory-policy is "allkeys-lru".*noeviction/s);
    } finally {
      redis.kill("SIGKILL");
    }
  });

  it("refuses to start without Redis and says how to get one", async () => {
    const port = await freePortRange(1);
    const error = await startingError(`redis://127.0.0.1:${port}`);
    expect(error).toBeInstanceOf(StackError);
    expect((error as Error).message).toMatch(`Redis is not reachable at redis://127.0.0.1:${port}`);
    expect((error as Error).message).toMatch(/apt-get install redis-server/);
  });

  it("refuses a port base that puts a service on a port fetch refuses", async () => {
    const error = await startingError(TEST_REDIS_URL, 6000);
    expect(error).toBeInstanceOf(StackError);
    expect((error as Error).message).toMatch(/^port base 6000 puts gateway on port 6000, which/);
  });
});

/** What startStack throws for `redisUrl` (null, after stopping it, if it started after all). */
async function startingError(redisUrl: string, portBase = 15200): Promise<unknown> {
  try {
    const stack = await startStack({
      portBase,
      redisUrl,
      embedded: { dataDir: "", basePort: 0, inMemory: true },
      logLevel: "warn",
      log: () => {},
    });
    await stack.stop();
    return null;
  } catch (error) {
    return error;
  }
}
