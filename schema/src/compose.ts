import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

/** Subgraphs in composition order, with the URL each serves in local development. */
export const SUBGRAPHS = [
  { name: "identity", port: 4001 },
  { name: "catalogue", port: 4002 },
  { name: "ordering", port: 4003 },
  { name: "inventory", port: 4004 },
  { name: "payments", port: 4005 },
] as const;

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const supergraphPath = `${repoRoot}schema/supergraph.graphql`;

export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

export function readSubgraphSources(root = repoRoot): SubgraphSource[] {
  return SUBGRAPHS.map(({ name, port }) => ({
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    sdl: readFileSync(`${root}subgraphs/${name}/schema.graphql`, "utf8"),
  }));
}

export type CompositionOutcome =
  | { ok: true; supergraphSdl: string; hints: string[] }
  | { ok: false; errors: string[] };

/** Composes subgraph SDLs with @apollo/composition (what Rover does, without its binary). */
export function compose(sources: SubgraphSource[]): CompositionOutcome {
  let services: { name: string; url: string; typeDefs: ReturnType<typeof parse> }[];
  try {
    services = sources.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  } catch (error) {
    return { ok: false, errors: [`Syntax error: ${(error as Error).message}`] };
  }
  const result = composeServices(services);
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`),
    };
  }
  return {
    ok: true,
    supergraphSdl: `${result.supergraphSdl.trim()}\n`,
    hints: result.hints.map((h) => `${h.definition.code}: ${h.message}`),
  };
}
