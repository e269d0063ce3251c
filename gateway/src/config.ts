import { fileURLToPath } from "node:url";
import { env, loadConfig, z } from "@shopstream/config";

export const SUBGRAPH_NAMES = [
  "identity",
  "catalogue",
  "ordering",
  "inventory",
  "payments",
] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

const defaultSupergraph = fileURLToPath(
  new URL("../../schema/supergraph.graphql", import.meta.url),
);

const schema = z.object({
  PORT: env.port(4000),
  HOST: z.string().default("0.0.0.0"),
  SUPERGRAPH_PATH: z.string().default(defaultSupergraph),
  IDENTITY_URL: env.httpUrl().optional(),
  CATALOGUE_URL: env.httpUrl().optional(),
  ORDERING_URL: env.httpUrl().optional(),
  INVENTORY_URL: env.httpUrl().optional(),
  PAYMENTS_URL: env.httpUrl().optional(),
  LOG_LEVEL: env.logLevel(),
});

/** Every environment variable this process reads. */
export const GATEWAY_ENV_KEYS = Object.keys(schema.shape);

export interface GatewayConfig {
  port: number;
  host: string;
  supergraphPath: string;
  /** Subgraph URLs that replace the ones recorded in the supergraph (e.g. in Docker). */
  subgraphUrls: Partial<Record<SubgraphName, string>>;
  logLevel: "debug" | "info" | "warn" | "error";
}

export function loadGatewayConfig(
  source: Record<string, string | undefined> = process.env,
): GatewayConfig {
  const c = loadConfig(schema, source);
  const subgraphUrls: Partial<Record<SubgraphName, string>> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = c[`${name.toUpperCase()}_URL` as `${Uppercase<SubgraphName>}_URL`];
    if (url) subgraphUrls[name] = url;
  }
  return {
    port: c.PORT,
    host: c.HOST,
    supergraphPath: c.SUPERGRAPH_PATH,
    subgraphUrls,
    logLevel: c.LOG_LEVEL,
  };
}
