import { createRequire } from "node:module";
import type { ApolloServerPlugin } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import type { Principal } from "@shopstream/auth";
import { access, ruleFor } from "@shopstream/policy";
import type {
  DirectiveNode,
  DocumentNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";

/** Apollo's graphql build (see gateway.ts): an error of another build loses its HTTP status. */
const cjsGraphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

/*
 * The gateway's pre-check of the policy table (`@shopstream/policy`): before an operation is
 * planned, each of its root fields is checked against its row, and one refused field refuses the
 * whole operation, before any subgraph is called. It is a fast answer and one more line, not the
 * only one: every subgraph enforces the same table (and ownership, which needs the data) on every
 * field and entity reference, whatever the gateway let through.
 */

const ROOT_TYPES = {
  query: "Query",
  mutation: "Mutation",
  subscription: "Subscription",
} as const;

export type PrecheckDecision =
  | { allowed: true }
  | { allowed: false; code: "UNAUTHENTICATED" | "FORBIDDEN"; coordinate: string };

/** Whether `@skip`/`@include` leave a selection out, with the request's variables. */
function skipped(
  directives: readonly DirectiveNode[] | undefined,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== "skip" && name !== "include") continue;
    const arg = directive.arguments?.find((a) => a.name.value === "if")?.value;
    let value: unknown;
    if (arg?.kind === "BooleanValue") value = arg.value;
    else if (arg?.kind === "Variable") value = variables[arg.name.value];
    // Anything else is a validation error already; check the field rather than guess.
    else continue;
    if (name === "skip" && value === true) return true;
    if (name === "include" && value === false) return true;
  }
  return false;
}

/**
 * The root fields an operation selects, through fragment spreads and inline fragments on the
 * root type, without introspection fields (`__typename`, `__schema`, `__type`: they name no row)
 * and without selections `@skip`/`@include` leave out.
 */
export function rootFieldsOf(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>> = {},
): string[] {
  const fields = new Set<string>();
  const visited = new Set<string>();
  const walk = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (skipped(selection.directives, variables)) continue;
      if (selection.kind === "Field") {
        if (!selection.name.value.startsWith("__")) fields.add(selection.name.value);
      } else if (selection.kind === "InlineFragment") {
        walk(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A missing or cyclic fragment fails validation; it adds no field here.
        if (!fragment || visited.has(name)) continue;
        visited.add(name);
        walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return [...fields];
}

/** The operation a request runs: the named one, or the only one. */
export function operationOf(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === "OperationDefinition",
  );
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * The pre-check of one operation for a principal: allowed, or the first refused root field
 * (`Query.customers`) and the row's code. A root field without a row is FORBIDDEN for everyone
 * (fail closed). Ownership is not checked: it needs the data, and the subgraphs hold it.
 * Shared by the HTTP path (`policyPrecheckPlugin`) and the WebSocket's subscribe.
 */
export function precheckOperation(
  principal: Principal,
  document: DocumentNode,
  options: { operationName?: string | null; variables?: Readonly<Record<string, unknown>> } = {},
): PrecheckDecision {
  const operation = operationOf(document, options.operationName);
  // No such operation: graphql's own validation answers it.
  if (!operation) return { allowed: true };
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === "FragmentDefinition")
      .map((d) => [d.name.value, d]),
  );
  const type = ROOT_TYPES[operation.operation];
  for (const field of rootFieldsOf(operation, fragments, options.variables ?? {})) {
    const coordinate = `${type}.${field}`;
    const rule = ruleFor(coordinate);
    if (!rule) return { allowed: false, code: "FORBIDDEN", coordinate };
    const decision = access(principal, rule);
    if (!decision.allowed) return { allowed: false, code: decision.code, coordinate };
  }
  return { allowed: true };
}

/** The message of a refusal: the subgraphs' wording (`refusal` in @shopstream/service). */
export const precheckMessage = (code: "UNAUTHENTICATED" | "FORBIDDEN", coordinate: string) =>
  code === "UNAUTHENTICATED"
    ? `Sign in to use ${coordinate}`
    : `Your role may not use ${coordinate}`;

/**
 * The HTTP status of a refusal, as the gateway answers other refusals made before anything runs:
 * 401 for UNAUTHENTICATED (as a bad token is), 403 for FORBIDDEN (docs/conventions.md).
 */
export const precheckStatus = (code: "UNAUTHENTICATED" | "FORBIDDEN") =>
  code === "UNAUTHENTICATED" ? 401 : 403;

/**
 * Apollo plugin: runs the pre-check once the operation is parsed, validated and resolved, before
 * the gateway plans or executes it. A refusal is one error with the row's code, no data, and the
 * status above.
 */
export function policyPrecheckPlugin<
  C extends { principal?: Principal | undefined },
>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, contextValue }) {
          const principal = contextValue.principal;
          // Every gateway context carries a principal; one without is a bug, refused as anonymous.
          const decision = principal
            ? precheckOperation(principal, document, {
                operationName,
                variables: request.variables ?? {},
              })
            : ({ allowed: false, code: "UNAUTHENTICATED", coordinate: "this operation" } as const);
          if (decision.allowed) return;
          throw new cjsGraphql.GraphQLError(precheckMessage(decision.code, decision.coordinate), {
            extensions: {
              code: decision.code,
              coordinate: decision.coordinate,
              http: { status: precheckStatus(decision.code), headers: new HeaderMap() },
            },
          });
        },
      };
    },
  };
}
