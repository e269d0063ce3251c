import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import type {
  ASTNode,
  ASTVisitor,
  FragmentDefinitionNode,
  GraphQLError,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from "graphql";

/** Limits every operation meets, whether it comes over HTTP or over the WebSocket. */
export interface OperationLimits {
  /** Most tokens a document may have (graphql-js stops parsing beyond it). */
  maxTokens: number;
  /** Deepest field nesting an operation may select (introspection excluded). */
  maxDepth: number;
  // The three below are optional only so that older callers' limit objects stay valid; absent
  // means the default, never "no limit".
  /** Most aliased fields an operation may hold (`__typename` aliases excepted). */
  maxAliases?: number;
  /** Most directives (`@include`, `@skip`, …) an operation may use. */
  maxDirectives?: number;
  /**
   * Highest cost an operation may have, as graphql-armor's cost-limit computes it: 1 per scalar
   * field, 2 per object field, children weighted ×1.5 per level of nesting and the whole
   * selection multiplied by a literal `first:`/`last:` argument.
   */
  maxCost?: number;
}

/**
 * Generous enough for every operation the product and its tests send (the biggest: the race
 * tests read 50 orders in one request, one alias each, costing about 5,300; a `first: 100` page
 * of stock items costs 2,450), tight enough that a batch of aliased copies, a wall of
 * directives or a fan-out of big pages is refused before it is planned.
 */
export const DEFAULT_OPERATION_LIMITS: Required<OperationLimits> = {
  maxTokens: 10_000,
  maxDepth: 15,
  maxAliases: 100,
  maxDirectives: 50,
  maxCost: 20_000,
};

/**
 * Every rule an operation must pass on top of graphql's own, for HTTP (Apollo) and the WebSocket
 * alike: depth, aliases, directives, cost and, when `introspection` is false (the production
 * profile), no `__schema`/`__type`. graphql-armor's rules throw out of `validate` by default;
 * here they report like any rule, with their message minus its misleading "Syntax Error:".
 */
export function operationRules(
  limits: OperationLimits,
  /** The graphql build the rules run under (see depthLimitRule): its error class and its rule. */
  graphql: { GraphQLError: ErrorClass; NoSchemaIntrospectionCustomRule: ValidationRule },
  options: { introspection: boolean },
): ValidationRule[] {
  const ErrorClass = graphql.GraphQLError;
  const report = {
    propagateOnRejection: false,
    exposeLimits: true,
    onAccept: [],
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(new ErrorClass(error.message.replace(/^Syntax Error: /, "")));
      },
    ],
  };
  const { maxAliases, maxDirectives, maxCost } = { ...DEFAULT_OPERATION_LIMITS, ...limits };
  // graphql-armor's visitor classes are valid visitors; their declared types are not ASTVisitor.
  const armor = (rule: (context: ValidationContext) => object) => rule as ValidationRule;
  return [
    depthLimitRule(limits.maxDepth, ErrorClass),
    armor(maxAliasesRule({ n: maxAliases, ...report })),
    armor(maxDirectivesRule({ n: maxDirectives, ...report })),
    armor(costLimitRule({ maxCost, ...report })),
    ...(options.introspection ? [] : [graphql.NoSchemaIntrospectionCustomRule]),
  ];
}

/**
 * Drops graphql's `Did you mean "…"?` hints from a message: in production they would let a
 * client rebuild the schema field by field with introspection off.
 */
export const withoutSuggestions = (message: string) => message.replace(/ Did you mean .*\?$/s, "");

type ErrorClass = new (message: string, options?: { nodes?: readonly ASTNode[] }) => GraphQLError;

/**
 * A validation rule rejecting operations nested deeper than `maxDepth`. Takes the GraphQLError
 * class to report with because Apollo runs graphql's CommonJS build and our code may get its ES
 * module build (see gateway.ts): each path must get errors of its own build's class.
 *
 * Hand-written (a few dozen lines) rather than graphql-depth-limit: that package has been
 * unmaintained since 2017 and counts introspection, which GraphiQL's own schema query would fail.
 */
export function depthLimitRule(maxDepth: number, ErrorClass: ErrorClass) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) {
      if (d.kind === "FragmentDefinition") fragments.set(d.name.value, d);
    }
    // Each fragment is measured once: walking every path instead would cost 2^n for n fragments
    // that each spread the next one twice, a few hundred tokens holding the CPU for minutes.
    const fragmentDepths = new Map<string, number>();
    const measuring = new Set<string>();
    const fragmentDepth = (name: string): number => {
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      const fragment = fragments.get(name);
      if (!fragment || measuring.has(name)) return 0; // cycles are another rule's error
      measuring.add(name);
      const depth = depthOf(fragment.selectionSet);
      measuring.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };
    const depthOf = (set: SelectionSetNode | undefined): number => {
      let deepest = 0;
      for (const s of set?.selections ?? []) {
        if (s.kind === "Field") {
          if (s.name.value.startsWith("__")) continue;
          deepest = Math.max(deepest, 1 + depthOf(s.selectionSet));
        } else if (s.kind === "InlineFragment") {
          deepest = Math.max(deepest, depthOf(s.selectionSet));
        } else {
          deepest = Math.max(deepest, fragmentDepth(s.name.value));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            new ErrorClass(
              `Operation ${node.name?.value ?? "(anonymous)"} is nested ${depth} fields deep; the most allowed is ${maxDepth}`,
              { nodes: [node] },
            ),
          );
        }
      },
    };
  };
}
