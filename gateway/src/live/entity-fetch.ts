import type { Principal } from "@shopstream/auth";
import { DomainError } from "@shopstream/errors";
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLResolveInfo,
  Kind,
  print,
  type SelectionSetNode,
  visit,
} from "graphql";
import type { EntityRef } from "./sources.ts";

/** Runs an operation through the federated gateway, exactly as an HTTP request would. */
export type GatewayExecutor = (request: {
  query: string;
  variables: Record<string, unknown>;
  /** Which operation of a document holding several to run. */
  operationName?: string;
  /** Who asks: the subgraphs see this principal in their internal token. */
  principal: Principal;
}) => Promise<{
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}>;

/** The query that loads the selected fields of one entity, with what it needs from the subscription. */
export function entityQuery(
  ref: EntityRef,
  info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments" | "operation" | "variableValues">,
): { query: string; variables: Record<string, unknown> } {
  const selections = info.fieldNodes.flatMap((n: FieldNode) => n.selectionSet?.selections ?? []);
  const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections };

  // Only the variables and fragments this selection uses (GraphQL refuses unused ones).
  const variables = new Set<string>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  const collect = (node: SelectionSetNode | FragmentDefinitionNode) => {
    visit(node, {
      enter(n) {
        if (n.kind === Kind.VARIABLE) variables.add(n.name.value);
        if (n.kind !== Kind.FRAGMENT_SPREAD) return;
        const fragment = info.fragments[n.name.value];
        if (fragment && !fragments.has(n.name.value)) {
          fragments.set(n.name.value, fragment);
          collect(fragment);
        }
      },
    });
  };
  collect(selectionSet);

  const definitions = (info.operation.variableDefinitions ?? [])
    .filter((d) => variables.has(d.variable.name.value))
    .map((d) => print(d));
  const query = [
    `query LiveEntity($__liveEntityId: ID!${definitions.map((d) => `, ${d}`).join("")}) {`,
    `  entity: ${ref.rootField}(id: $__liveEntityId) ${print(selectionSet)}`,
    "}",
    ...[...fragments.values()].map((f) => print(f)),
  ].join("\n");
  const values: Record<string, unknown> = { __liveEntityId: ref.id };
  for (const name of variables) values[name] = info.variableValues[name];
  return { query, variables: values };
}

/**
 * Resolves the entity of each event against the subscriber's selection through the gateway.
 * Subscribers with the same selection, variables and principal share one fetch per event (a dashboard
 * open in 1,000 browsers costs one federated query per event, not 1,000); the shared result is
 * dropped a few seconds after it settles.
 */
export class EntityFetcher {
  private readonly inflight = new Map<string, Promise<Record<string, unknown>>>();
  fetches = 0;

  constructor(
    private readonly execute: GatewayExecutor,
    private readonly shareMs = 5_000,
  ) {}

  fetch(
    eventCursor: string,
    ref: EntityRef,
    info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments" | "operation" | "variableValues">,
    principal: Principal,
  ): Promise<Record<string, unknown>> {
    const { query, variables } = entityQuery(ref, info);
    const key = JSON.stringify([eventCursor, principal, ref, query, variables]);
    let pending = this.inflight.get(key);
    if (!pending) {
      this.fetches++;
      pending = this.load(ref, query, variables, principal);
      this.inflight.set(key, pending);
      const forget = () => {
        setTimeout(() => this.inflight.delete(key), this.shareMs).unref();
      };
      pending.then(forget, forget);
    }
    return pending;
  }

  private async load(
    ref: EntityRef,
    query: string,
    variables: Record<string, unknown>,
    principal: Principal,
  ): Promise<Record<string, unknown>> {
    const result = await this.execute({ query, variables, principal });
    const [first] = result.errors ?? [];
    if (first) throw new GraphQLError(first.message, { extensions: first.extensions ?? {} });
    const entity = result.data?.entity;
    if (entity === null || typeof entity !== "object") {
      throw DomainError.notFound(ref.rootField, ref.id);
    }
    return entity as Record<string, unknown>;
  }
}
