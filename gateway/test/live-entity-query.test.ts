import { buildSchema, execute, type GraphQLResolveInfo, Kind, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { entityQuery } from "../src/live/entity-fetch.ts";

// A small slice of the supergraph's shape: a subscription payload pointing at an entity whose
// fields nest, with arguments, so selections can use variables and fragments.
const schema = buildSchema(`
  type Query { order(id: ID!): Order }
  type Subscription { orderStatusChanged(orderId: ID, after: String): OrderStatusChange! }
  type OrderStatusChange { order: Order! status: String! cursor: String! }
  type Order { id: ID! status: String! customer: Customer! lines(first: Int): [Line!]! }
  type Customer { id: ID! email: String! orders(first: Int): [Order!]! }
  type Line { id: ID! quantity: Int! }
`);

/**
 * The `order` field's resolve info for one event of `subscription`, as graphql-js hands it to the
 * gateway's field resolver (merged field nodes, fragments, coerced variables).
 */
function orderInfo(subscription: string, variables: Record<string, unknown> = {}) {
  const document = parse(subscription);
  expect(validate(schema, document)).toEqual([]);
  const infos: GraphQLResolveInfo[] = [];
  execute({
    schema,
    document,
    variableValues: variables,
    rootValue: {},
    fieldResolver: (_source, _args, _context, info) => {
      if (info.fieldName === "orderStatusChanged") return {};
      if (info.fieldName !== "order") return "x"; // the payload's own (String!) fields
      infos.push(info);
      return null;
    },
  });
  expect(infos).toHaveLength(1);
  return infos[0]!;
}

/** The generated query, checked to be a valid document, with its definitions' names. */
function built(subscription: string, variables: Record<string, unknown> = {}) {
  const { query, variables: values } = entityQuery(
    { rootField: "order", id: "order-1" },
    orderInfo(subscription, variables),
  );
  const document = parse(query);
  // graphql refuses unused variables and fragments, so this also checks nothing extra is carried.
  expect(validate(schema, document), query).toEqual([]);
  const [operation, ...fragments] = document.definitions;
  if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error(query);
  return {
    query,
    values,
    variableNames: (operation.variableDefinitions ?? []).map((d) => d.variable.name.value),
    fragmentNames: fragments.map((f) => (f.kind === Kind.FRAGMENT_DEFINITION ? f.name.value : "?")),
    /** What the query answers when the order is `order`. */
    run: (order: Record<string, unknown>) =>
      execute({ schema, document, variableValues: values, rootValue: { order } }),
  };
}

const ORDER = {
  id: "order-1",
  status: "PAID",
  customer: {
    id: "c-1",
    email: "grace@example.com",
    orders: [{ id: "order-0", status: "SHIPPED" }],
  },
  lines: [
    { id: "l-1", quantity: 2 },
    { id: "l-2", quantity: 1 },
  ],
};

describe("entityQuery", () => {
  it("loads the entity by id under the alias `entity`, with exactly the subscriber's selection", () => {
    const q = built(`subscription { orderStatusChanged { status o: order { id status } } }`);
    expect(q.values).toEqual({ __liveEntityId: "order-1" });
    expect(q.variableNames).toEqual(["__liveEntityId"]);
    expect(q.run(ORDER)).toEqual({ data: { entity: { id: "order-1", status: "PAID" } } });
  });

  it("carries only the variables the entity's selection uses, with their values and defaults", () => {
    const q = built(
      `subscription($id: ID, $first: Int = 1, $withEmail: Boolean!, $after: String) {
        orderStatusChanged(orderId: $id, after: $after) {
          order { lines(first: $first) { id } customer @include(if: $withEmail) { email } }
        }
      }`,
      { id: "order-1", withEmail: true, after: "x" },
    );
    expect(q.variableNames).toEqual(["__liveEntityId", "first", "withEmail"]);
    expect(q.values).toEqual({ __liveEntityId: "order-1", first: 1, withEmail: true });
    expect(q.query).toContain("$first: Int = 1");
  });

  it("carries the fragments the selection reaches, nested and spread twice, and no others", () => {
    const q = built(
      `subscription($withLines: Boolean!) {
        orderStatusChanged { ...Change order { ...OrderBits ... on Order { id } } }
      }
      fragment Change on OrderStatusChange { status cursor }
      fragment OrderBits on Order {
        status
        customer { ...CustomerBits orders(first: 2) { ...OrderLite } }
        ...Lines @include(if: $withLines)
      }
      fragment CustomerBits on Customer { email orders(first: 2) { ...OrderLite } }
      fragment OrderLite on Order { id status }
      fragment Lines on Order { lines { id quantity } }`,
      { withLines: false },
    );
    expect(q.fragmentNames.sort()).toEqual(["CustomerBits", "Lines", "OrderBits", "OrderLite"]);
    expect(q.variableNames).toEqual(["__liveEntityId", "withLines"]);
    expect(q.run(ORDER)).toEqual({
      data: {
        entity: {
          status: "PAID",
          id: "order-1",
          customer: { email: "grace@example.com", orders: [{ id: "order-0", status: "SHIPPED" }] },
        },
      },
    });
  });

  it("keeps aliases, including ones that name another field", () => {
    const q = built(
      `subscription { orderStatusChanged { order {
        status: id
        id: status
        buyer: customer { mail: email }
        few: lines(first: 1) { id qty: quantity }
      } } }`,
    );
    expect(q.run(ORDER)).toEqual({
      data: {
        entity: {
          status: "order-1",
          id: "PAID",
          buyer: { mail: "grace@example.com" },
          few: [
            { id: "l-1", qty: 2 },
            { id: "l-2", qty: 1 },
          ],
        },
      },
    });
  });

  it("merges the selections of every node of the field (direct, in fragments, inline)", () => {
    const q = built(
      `subscription {
        orderStatusChanged {
          order { id }
          ...More
          ... on OrderStatusChange { order { customer { email } } }
        }
      }
      fragment More on OrderStatusChange { order { status } }`,
    );
    // `More` holds the entity field; it is not part of the entity's own selection.
    expect(q.fragmentNames).toEqual([]);
    expect(q.run(ORDER)).toEqual({
      data: { entity: { id: "order-1", status: "PAID", customer: { email: "grace@example.com" } } },
    });
  });
});
