import { readFileSync } from "node:fs";
import { generateInternalKeyPair } from "@shopstream/auth";
import { GATEWAY_ENV_KEYS, loadGatewayConfig } from "@shopstream/gateway/config";
import { loadProviderConfig, PROVIDER_ENV_KEYS } from "@shopstream/payment-provider/config";
import { loadSubgraphConfig, SUBGRAPH_PORTS, subgraphEnvKeys } from "@shopstream/service";
import { loadWorkersConfig, WORKERS_ENV_KEYS } from "@shopstream/workers/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  ALL_SPECS,
  GATEWAY_SPEC,
  PROVIDER_SPEC,
  SUBGRAPH_SPECS,
  WORKERS_SPEC,
} from "../src/services.ts";
import { REPO_ROOT } from "../src/stack.ts";

// No Docker engine runs on the development and CI machines, so this checks docker-compose.yml
// against the code instead: every process the stack starts has a service with the same entry
// point, port, health check and an environment that the process's own config loader accepts.

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  image?: string;
  build?: unknown;
}

const compose = parse(readFileSync(`${REPO_ROOT}docker-compose.yml`, "utf8"), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const env = (name: string) => services[name]?.environment ?? {};
const SAMPLE_INTERNAL_KEY = JSON.stringify((await generateInternalKeyPair()).privateKey);

describe("docker-compose.yml", () => {
  it("has postgres, redis, a migration job, the gateway, each subgraph and workers", () => {
    expect(Object.keys(services).sort()).toEqual(
      ["postgres", "redis", "migrate", ...ALL_SPECS.map((s) => s.name)].sort(),
    );
  });

  it("gives every service a health check", () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === "migrate") continue;
      expect(service.healthcheck?.test, name).toBeDefined();
    }
  });

  it("runs Redis with noeviction (BullMQ must never lose a key)", () => {
    expect(services.redis?.command?.join(" ")).toContain("--maxmemory-policy noeviction");
  });

  it.each(ALL_SPECS.map((s) => [s.name, s] as const))(
    "starts %s with the stack's entry point",
    (name, spec) => {
      expect(services[name]?.command).toEqual(["node", "--import", "tsx", spec.entry]);
      expect(services[name]?.build ?? services[name]?.image, name).toBeDefined();
    },
  );

  it.each(SUBGRAPH_SPECS.map((s) => [s.name, s] as const))(
    "configures %s as its config loader expects",
    (name, spec) => {
      const context = spec.context!;
      const vars = env(name);
      expect(Object.keys(vars).filter((k) => !subgraphEnvKeys(context).includes(k))).toEqual([]);
      const config = loadSubgraphConfig(context, vars);
      expect(config.port).toBe(SUBGRAPH_PORTS[context]);
      expect(services[name]?.ports).toEqual([`${config.port}:${config.port}`]);
      expect(new URL(config.databaseUrl).hostname).toBe("postgres");
      expect(new URL(config.databaseUrl).pathname).toBe(`/shopstream_${context}`);
      expect(services[name]?.depends_on?.migrate?.condition).toBe("service_completed_successfully");
    },
  );

  it("points the gateway at every subgraph's compose host and port", () => {
    const vars = env("gateway");
    expect(Object.keys(vars).filter((k) => !GATEWAY_ENV_KEYS.includes(k))).toEqual([]);
    // The internal key pair is a secret made per deployment, not a value of this file: until
    // docker-compose.yml provisions it, the gateway gets a sample one here (compose's wins).
    const config = loadGatewayConfig({ INTERNAL_AUTH_PRIVATE_KEY: SAMPLE_INTERNAL_KEY, ...vars });
    expect(config.port).toBe(4000 + GATEWAY_SPEC.portOffset);
    for (const spec of SUBGRAPH_SPECS) {
      expect(config.subgraphUrls[spec.name as keyof typeof config.subgraphUrls]).toBe(
        `http://${spec.name}:${SUBGRAPH_PORTS[spec.context!]}/graphql`,
      );
      expect(services.gateway?.depends_on?.[spec.name]?.condition).toBe("service_healthy");
    }
  });

  it("configures workers for every context's database and Redis, without a fixed port so they scale", () => {
    const vars = env("workers");
    expect(Object.keys(vars).filter((k) => !WORKERS_ENV_KEYS.includes(k))).toEqual([]);
    const config = loadWorkersConfig(vars);
    expect(config.port).toBe(4000 + WORKERS_SPEC.portOffset);
    expect(new URL(config.redisUrl).hostname).toBe("redis");
    expect(Object.values(config.databaseUrls).map((u) => new URL(u).hostname)).toEqual(
      Array(5).fill("postgres"),
    );
    expect(services.workers?.ports).toBeUndefined();
  });

  it("wires the simulated payment provider to the payments webhook and the workers to the provider", () => {
    const vars = env("payment-provider");
    expect(Object.keys(vars).filter((k) => !PROVIDER_ENV_KEYS.includes(k))).toEqual([]);
    const config = loadProviderConfig(vars);
    expect(config.PORT).toBe(4000 + PROVIDER_SPEC.portOffset);
    expect(config.PAYMENTS_WEBHOOK_URL).toBe(
      `http://payments:${SUBGRAPH_PORTS.payments}/webhooks/payments`,
    );
    expect(loadWorkersConfig(env("workers")).paymentProviderUrl).toBe(
      `http://payment-provider:${config.PORT}`,
    );
  });

  it("migrates with the same DATABASE_URL the services use", () => {
    expect(services.migrate?.command).toEqual(["pnpm", "db:migrate"]);
    expect(env("migrate").DATABASE_URL).toBe(env("identity").DATABASE_URL);
  });
});
