import {
  buildSchema,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { describe, expect, it } from "vitest";
import { depthLimitRule } from "../src/limits.ts";

// Orders have customers who have orders: selections can nest as deep as a client likes.
const schema = buildSchema(`
  type Query { order(id: ID!): Order }
  type Order { id: ID! customer: Customer! }
  type Customer { id: ID! email: String! orders: [Order!]! }
`);

const messages = (query: string, maxDepth: number) =>
  validate(schema, parse(query), [depthLimitRule(maxDepth, GraphQLError)]).map((e) => e.message);

/** `order { customer { orders { customer … { id } } } }`, `depth` fields deep. */
function nested(depth: number): string {
  const names = ["order(id: 1)", "customer", "orders", "customer"];
  const open = Array.from({ length: depth - 1 }, (_, i) => names[i === 0 ? 0 : 1 + ((i - 1) % 3)]);
  return `${open.map((n) => `${n} { `).join("")}id${" }".repeat(depth - 1)}`;
}

describe("depthLimitRule", () => {
  it("allows the maximum depth and refuses one more, naming the operation and both depths", () => {
    expect(messages(`query Fine { ${nested(4)} }`, 4)).toEqual([]);
    expect(messages(`query Deep { ${nested(5)} }`, 4)).toEqual([
      "Operation Deep is nested 5 fields deep; the most allowed is 4",
    ]);
    expect(messages(`{ ${nested(5)} }`, 4)).toEqual([
      "Operation (anonymous) is nested 5 fields deep; the most allowed is 4",
    ]);
  });

  it("counts through fragment spreads, nested fragments and inline fragments", () => {
    const query = `query Spread { order(id: 1) { ...O } }
      fragment O on Order { customer { ... on Customer { orders { ...C } } } }
      fragment C on Order { customer { ... { id } } }`;
    // order › customer › orders › customer › id
    expect(messages(query, 5)).toEqual([]);
    expect(messages(query, 4)).toEqual([
      "Operation Spread is nested 5 fields deep; the most allowed is 4",
    ]);
  });

  it("measures the deepest branch, whichever selection holds it", () => {
    const query = `query Branches {
      deep: order(id: 2) { customer { orders { id } } }
      shallow: order(id: 1) { id customer { id } }
    }`;
    expect(messages(query, 3)).toEqual([
      "Operation Branches is nested 4 fields deep; the most allowed is 3",
    ]);
  });

  it("leaves introspection out, so GraphiQL's schema query passes a small limit", () => {
    const introspection = `query Schema {
      __schema { types { name fields { name type { name ofType { name ofType { name } } } } } }
      order(id: 1) { __typename id }
    }`;
    expect(messages(introspection, 2)).toEqual([]);
  });

  it("stops at fragment cycles (another rule reports them) instead of recursing forever", () => {
    const query = `query Cycle { order(id: 1) { ...A } }
      fragment A on Order { customer { ...B } }
      fragment B on Customer { orders { ...A } }`;
    expect(messages(query, 10)).toEqual([]);
    expect(messages(query, 2)).toEqual([
      "Operation Cycle is nested 3 fields deep; the most allowed is 2",
    ]);
    const all = validate(schema, parse(query), [
      ...specifiedRules,
      depthLimitRule(10, GraphQLError),
    ]);
    expect(all.map((e) => e.message)).toContain(
      'Cannot spread fragment "A" within itself via "B".',
    );
  });

  it("measures each fragment once, so fragments spreading the next one twice cost linear work", () => {
    // F0 spreads F1 twice, F1 spreads F2 twice, …: 2^n paths through a document of n fragments.
    // Walking every path would let a few hundred tokens hold the gateway's CPU for minutes.
    const n = 20;
    const fragments = Array.from(
      { length: n },
      (_, i) =>
        `fragment F${i} on Customer { ${i + 1 < n ? `orders { customer { ...F${i + 1} ...F${i + 1} } }` : "id"} }`,
    );
    const document = parse(
      `query Fan { order(id: 1) { customer { ...F0 } } }\n${fragments.join("\n")}`,
    );
    let reads = 0;
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
      const { selectionSet } = definition;
      Object.defineProperty(definition as FragmentDefinitionNode, "selectionSet", {
        get: () => {
          reads++;
          return selectionSet;
        },
      });
    }
    const errors = validate(schema, document, [depthLimitRule(100, GraphQLError)]);
    // order › customer, then orders › customer per fragment but the last, then id.
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(validate(schema, document, [depthLimitRule(2 + 2 * (n - 1), GraphQLError)])).toEqual([
      expect.objectContaining({
        message: `Operation Fan is nested ${3 + 2 * (n - 1)} fields deep; the most allowed is ${2 + 2 * (n - 1)}`,
      }),
    ]);
    // The validator's own walk reads each fragment a few times; the rule once per fragment.
    expect(reads).toBeLessThan(10 * n);
  });
});
