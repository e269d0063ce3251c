import {
  buildSchema,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_OPERATION_LIMITS,
  type OperationLimits,
  operationRules,
  withoutSuggestions,
} from "../src/limits.ts";

const schema = buildSchema(`
  type Query { order(id: ID!): Order orders(first: Int): [Order!]! }
  type Order { id: ID! status: String! customer: Customer! }
  type Customer { id: ID! email: String! }
`);

const messages = (query: string, limits: Partial<OperationLimits>, introspection = true) =>
  validate(schema, parse(query), [
    ...specifiedRules,
    ...operationRules(
      { ...DEFAULT_OPERATION_LIMITS, ...limits },
      { GraphQLError, NoSchemaIntrospectionCustomRule },
      { introspection },
    ),
  ]).map((e) => e.message);

const aliased = (n: number, field = "order(id: 1) { id }") =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ")} }`;

describe("operationRules", () => {
  it("allows the maximum number of aliases and refuses one more, saying both", () => {
    expect(messages(aliased(3), { maxAliases: 3 })).toEqual([]);
    expect(messages(aliased(4), { maxAliases: 3 })).toEqual([
      "Aliases limit of 3 exceeded, found 4.",
    ]);
    // `__typename` aliases are free: they cost the server nothing.
    expect(messages(aliased(10, "__typename"), { maxAliases: 3 })).toEqual([]);
  });

  it("counts aliases inside fragments", () => {
    const query = `{ ...F } fragment F on Query { a: order(id: 1) { x: id y: status } }`;
    expect(messages(query, { maxAliases: 2 })).toEqual(["Aliases limit of 2 exceeded, found 3."]);
  });

  it("allows the maximum number of directives and refuses one more", () => {
    const directives = (n: number) => `{ order(id: 1) { id ${"@include(if: true) ".repeat(n)} } }`;
    // graphql itself refuses a repeated non-repeatable directive; the limit speaks first of all.
    const status = (n: number) =>
      `{ order(id: 1) { ${Array.from({ length: n }, () => "status @skip(if: false)").join(" ")} } }`;
    expect(messages(status(3), { maxDirectives: 3 })).toEqual([]);
    expect(messages(status(4), { maxDirectives: 3 })).toEqual([
      "Directives limit of 3 exceeded, found 4.",
    ]);
    expect(messages(directives(5), { maxDirectives: 3 })).toContain(
      "Directives limit of 3 exceeded, found 5.",
    );
  });

  it("refuses an operation costlier than the limit, page sizes multiplying", () => {
    const small = `{ orders(first: 2) { id } }`;
    const big = `{ orders(first: 100) { id status customer { id email } } }`;
    expect(messages(small, { maxCost: 100 })).toEqual([]);
    expect(messages(big, { maxCost: 100 })).toEqual([
      expect.stringMatching(/^Query Cost limit of 100 exceeded, found \d+\.$/),
    ]);
  });

  it("lets every operation the product sends through with the default limits", () => {
    // The biggest: the race tests' read of 50 orders, one alias each, with a wide selection.
    const wide = `id status customer { id email }`;
    expect(messages(aliased(50, `order(id: 1) { ${wide} }`), {})).toEqual([]);
    expect(messages(`{ orders(first: 100) { ${wide} } }`, {})).toEqual([]);
  });

  it("refuses introspection only when told to (the production profile)", () => {
    const introspect = `{ __schema { types { name } } }`;
    expect(messages(introspect, {}, true)).toEqual([]);
    const refusals = messages(introspect, {}, false);
    expect(refusals[0]).toBe(
      'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
    );
    expect(refusals.every((m) => m.includes("introspection has been disabled"))).toBe(true);
    expect(messages(`{ __type(name: "Order") { name } }`, {}, false)[0]).toContain('"__type"');
  });

  it("reports through the error class it is given, never by throwing out of validate", () => {
    class Mine extends GraphQLError {}
    const errors = validate(schema, parse(aliased(2)), [
      ...operationRules(
        { ...DEFAULT_OPERATION_LIMITS, maxAliases: 1 },
        { GraphQLError: Mine, NoSchemaIntrospectionCustomRule },
        {
          introspection: true,
        },
      ),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(Mine);
  });
});

describe("withoutSuggestions", () => {
  it("drops graphql's Did you mean hint and keeps the rest of the message", () => {
    const [message] = validate(schema, parse(`{ order(id: 1) { statu } }`)).map((e) => e.message);
    expect(message).toContain("Did you mean");
    expect(withoutSuggestions(message!)).toBe('Cannot query field "statu" on type "Order".');
    expect(withoutSuggestions("Nothing to drop.")).toBe("Nothing to drop.");
  });
});
