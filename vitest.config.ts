import { defineConfig } from "vitest/config";

// Three tiers, split by file suffix (docs/conventions.md, "Tests"): `*.test.ts` are unit tests with no I/O,
// `*.int.test.ts` talk to the real PostgreSQL and Redis, `*.e2e.test.ts` go through the gateway
// of a running stack.
const shared = ["**/node_modules/**", "**/generated/**"];

export default defineConfig({
  test: {
    reporters: ["default", "./packages/testing/src/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: [...shared, "**/*.int.test.ts", "**/*.e2e.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: shared,
          // Vitest gives our sources graphql's ES build but loads dependencies with Node, which
          // picks its CommonJS build: graphql-ws would then get schemas and errors of the other
          // build ("Cannot use GraphQLSchema from another module or realm"). Running graphql-ws
          // through Vitest too gives it our build, as Node gives both the same one in production.
          server: { deps: { inline: ["graphql-ws"] } },
          globalSetup: ["./packages/testing/src/int-global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["**/*.e2e.test.ts"],
          exclude: shared,
          globalSetup: ["./packages/testing/src/e2e-global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
