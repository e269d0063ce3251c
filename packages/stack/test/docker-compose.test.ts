import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { GATEWAY_ENV_KEYS, loadGatewayConfig } from "@shopstream/gateway/config";
import { loadProviderConfig, PROVIDER_ENV_KEYS } from "@shopstream/payment-provider/config";
// Payments' own variables (the webhook secrets); a relative import because this package does not
// depend on the payments subgraph.
import { loadPaymentsConfig, PAYMENTS_ENV_KEYS } from "@shopstream/payments/config";
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

/** An internal key pair as the operator generates it (ES256 JWKs sharing a kid). */
function internalKeyPair() {
  const kid = randomUUID();
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = (key: typeof privateKey) =>
    JSON.stringify({ ...key.export({ format: "jwk" }), kid, alg: "ES256" });
  return { privateKey: jwk(privateKey), publicKey: jwk(publicKey) };
}
const keys = internalKeyPair();

/** What an operator sets for `docker compose up` (the comment at the top of the file). */
const OPERATOR_ENV: Record<string, string> = {
  INTERNAL_AUTH_PRIVATE_KEY: keys.privateKey,
  INTERNAL_AUTH_PUBLIC_KEYS: keys.publicKey,
};

/**
 * Compose's variable interpolation, applied like Compose to every string value of the parsed
 * file: `${VAR}`, `${VAR:-default}`, `${VAR:?error}` (which fails as `docker compose up` does
 * when VAR is unset or empty).
 */
function interpolate(value: unknown, vars: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => interpolate(v, vars));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, vars)]));
  }
  if (typeof value !== "string") return value;
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_whole, name: string, kind?: string, arg?: string) => {
      const value = vars[name];
      if (value !== undefined && value !== "") return value;
      if (kind === "?") throw new Error(`${name}: ${arg}`);
      return kind === "-" ? (arg ?? "") : "";
    },
  );
}

const source = readFileSync(`${REPO_ROOT}docker-compose.yml`, "utf8");
const composeWith = (vars: Record<string, string>) =>
  interpolate(parse(source, { merge: true }), vars) as {
    services: Record<string, ComposeService>;
  };
const compose = composeWith(OPERATOR_ENV);
const services = compose.services;
const env = (name: string) => services[name]?.environment ?? {};

/**
 * The auth variables of the security contract that the gateway's and subgraphs' loaders may not
 * read yet (they land with the authentication work): an env block may hold these besides the
 * loader's own keys. Once the loaders read them, the check below is exact.
 */
const AUTH_CONTRACT_KEYS = [
  "AUTH_MODE",
  "AUTH_JWKS_URL",
  "AUTH_ISSUER",
  "AUTH_AUDIENCE",
  "INTERNAL_AUTH_PRIVATE_KEY",
  "INTERNAL_AUTH_PUBLIC_KEYS",
];
const unknownKeys = (vars: Record<string, string>, known: string[]) =>
  Object.keys(vars).filter((k) => !known.includes(k) && !AUTH_CONTRACT_KEYS.includes(k));

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
      const own = context === "payments" ? PAYMENTS_ENV_KEYS : [];
      expect(unknownKeys(vars, [...subgraphEnvKeys(context), ...own])).toEqual([]);
      const config = loadSubgraphConfig(context, vars);
      if (context === "payments") loadPaymentsConfig(vars);
      expect(config.port).toBe(SUBGRAPH_PORTS[context]);
      expect(vars.INTERNAL_AUTH_PUBLIC_KEYS).toBe(keys.publicKey);
      expect(new URL(config.databaseUrl).hostname).toBe("postgres");
      expect(new URL(config.databaseUrl).pathname).toBe(`/shopstream_${context}`);
      expect(services[name]?.depends_on?.migrate?.condition).toBe("service_completed_successfully");
    },
  );

  it("points the gateway at every subgraph's compose host and port", () => {
    const vars = env("gateway");
    expect(unknownKeys(vars, GATEWAY_ENV_KEYS)).toEqual([]);
    const config = loadGatewayConfig(vars);
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
    expect(unknownKeys(vars, PROVIDER_ENV_KEYS)).toEqual([]);
    const config = loadProviderConfig(vars);
    expect(config.PORT).toBe(4000 + PROVIDER_SPEC.portOffset);
    expect(config.PAYMENTS_WEBHOOK_URL).toBe(
      `http://payments:${SUBGRAPH_PORTS.payments}/webhooks/payments`,
    );
    expect(loadWorkersConfig(env("workers")).paymentProviderUrl).toBe(
      `http://payment-provider:${config.PORT}`,
    );
  });

  it("publishes only the gateway's port: never a subgraph's, PostgreSQL's, Redis' or the provider's", () => {
    const published = Object.entries(services)
      .filter(([, service]) => service.ports !== undefined)
      .map(([name]) => name);
    expect(published).toEqual(["gateway"]);
    expect(services.gateway?.ports).toEqual(["4000:4000"]);
  });

  it("passes auth to the gateway (mode and the internal signing key) and the public key to every subgraph", () => {
    const gateway = env("gateway");
    expect(gateway.AUTH_MODE).toBe("dev");
    expect(gateway.INTERNAL_AUTH_PRIVATE_KEY).toBe(keys.privateKey);
    expect(gateway).not.toHaveProperty("INTERNAL_AUTH_PUBLIC_KEYS");
    for (const spec of SUBGRAPH_SPECS) {
      expect(env(spec.name).INTERNAL_AUTH_PUBLIC_KEYS, spec.name).toBe(keys.publicKey);
      expect(env(spec.name), spec.name).not.toHaveProperty("INTERNAL_AUTH_PRIVATE_KEY");
    }
    for (const other of ["workers", "payment-provider", "migrate"]) {
      expect(
        Object.keys(env(other)).filter((k) => k.startsWith("INTERNAL_AUTH")),
        other,
      ).toEqual([]);
    }
  });

  it("refuses to start without the internal keys, naming the variable", () => {
    expect(() => composeWith({})).toThrow(/INTERNAL_AUTH_/);
    expect(() => composeWith({ INTERNAL_AUTH_PUBLIC_KEYS: keys.publicKey })).toThrow(
      /INTERNAL_AUTH_PRIVATE_KEY: set INTERNAL_AUTH_PRIVATE_KEY/,
    );
  });

  it("passes the operator's production settings to the loaders, which hold them to production rules", () => {
    const production = composeWith({
      ...OPERATOR_ENV,
      NODE_ENV: "production",
      // Production signs in with the operator's identity provider, never dev tokens.
      AUTH_MODE: "oidc",
      AUTH_JWKS_URL: "https://id.shop.example/.well-known/jwks.json",
      AUTH_ISSUER: "https://id.shop.example/",
      AUTH_AUDIENCE: "shopstream",
      PAYMENTS_WEBHOOK_SECRETS: "a-new-webhook-secret-0001,an-old-webhook-secret-0002",
      WS_ALLOWED_ORIGINS: "https://shop.example",
    }).services;
    const vars = (name: string) => production[name]?.environment ?? {};
    expect(loadGatewayConfig(vars("gateway"))).toMatchObject({
      production: true,
      allowedOrigins: ["https://shop.example"],
    });
    expect(loadPaymentsConfig(vars("payments")).webhookSecrets).toEqual([
      "a-new-webhook-secret-0001",
      "an-old-webhook-secret-0002",
    ]);
    expect(loadProviderConfig(vars("payment-provider")).PAYMENTS_WEBHOOK_SECRET).toBe(
      "a-new-webhook-secret-0001",
    );
    // Without a secret of the operator's own, payments and the provider refuse to start.
    const unset = composeWith({ ...OPERATOR_ENV, NODE_ENV: "production" }).services;
    expect(() => loadPaymentsConfig(unset.payments?.environment)).toThrow(/NODE_ENV=production/);
    expect(() => loadProviderConfig(unset["payment-provider"]?.environment)).toThrow(
      /NODE_ENV=production/,
    );
  });

  it("migrates with the same DATABASE_URL the services use", () => {
    expect(services.migrate?.command).toEqual(["pnpm", "db:migrate"]);
    expect(env("migrate").DATABASE_URL).toBe(env("identity").DATABASE_URL);
  });
});
