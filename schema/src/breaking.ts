import { Supergraph } from "@apollo/federation-internals";
import { CriticalityLevel, diff } from "@graphql-inspector/core";
import type { GraphQLSchema } from "graphql";

/** The public (API) schema of a supergraph: what clients see, without federation machinery. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

export interface BreakingChange {
  /** Stable id to acknowledge the change with, e.g. `FIELD_REMOVED:Query.customer`. */
  id: string;
  message: string;
}

export interface Acknowledgement {
  id: string;
  reason: string;
}

/** Changes from `before` to `after` that break existing clients (GraphQL Inspector's BREAKING level). */
export async function breakingChanges(
  beforeSupergraph: string,
  afterSupergraph: string,
): Promise<BreakingChange[]> {
  const changes = await diff(apiSchemaOf(beforeSupergraph), apiSchemaOf(afterSupergraph));
  return changes
    .filter((c) => c.criticality.level === CriticalityLevel.Breaking)
    .map((c) => ({ id: `${c.type}:${c.path ?? ""}`, message: c.message }));
}

/** Splits breaking changes into acknowledged ones and ones that still need acknowledging. */
export function partitionAcknowledged(changes: BreakingChange[], acks: Acknowledgement[]) {
  const acked = new Set(acks.filter((a) => a.reason.trim().length > 0).map((a) => a.id));
  return {
    acknowledged: changes.filter((c) => acked.has(c.id)),
    unacknowledged: changes.filter((c) => !acked.has(c.id)),
  };
}
