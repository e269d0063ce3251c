import type {
  ASTNode,
  ASTVisitor,
  FragmentDefinitionNode,
  GraphQLError,
  SelectionSetNode,
  ValidationContext,
} from "graphql";

/** Limits every operation meets, whether it comes over HTTP or over the WebSocket. */
export interface OperationLimits {
  /** Most tokens a document may have (graphql-js stops parsing beyond it). */
  maxTokens: number;
  /** Deepest field nesting an operation may select (introspection excluded). */
  maxDepth: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = { maxTokens: 10_000, maxDepth: 15 };

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
