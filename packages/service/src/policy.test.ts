import { createRequire } from "node:module";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { ANONYMOUS, actorOf, type Principal, principalOf } from "@shopstream/auth";
import { DomainError } from "@shopstream/errors";
import type { GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import type { RequestContext } from "./http-service.ts";
import {
  enforcePolicy,
  guestTokenHash,
  type Owner,
  type OwnerLookups,
  ownershipScope,
} from "./policy.ts";

// @apollo/subgraph builds its schema with graphql's CommonJS build: parse and execute with that
// same build, or graphql refuses a schema "from another module or realm".
const cjsGraphql = createRequire(import.meta.url)("graphql") as typeof import("graphql");

/*
 * A small subgraph whose fields are real rows of the policy table (the enforcement looks rows up
 * by coordinate), with resolvers that count their calls: a refused or not-owned call must never
 * reach them.
 */
const typeDefs = cjsGraphql.parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Customer @key(fields: "id") { id: ID! name: String }
  type Order @key(fields: "id") { id: ID! total: Int }
  type Product @key(fields: "id") { id: ID! title: String }
  type Cart @key(fields: "id") { id: ID! }

  input RegisterCustomerInput { externalId: String! }
  input CreateCartInput { customerId: ID }

  type Query {
    customer(id: ID!): Customer
    customers: [Customer!]!
    order(id: ID!): Order
    orders: [Order!]!
    cart(id: ID!): Cart
    products: [Product!]!
  }

  type Mutation {
    closeCustomer(id: ID!): Customer!
    cancelOrder(id: ID!): Order!
    suspendCustomer(id: ID!): Customer!
    registerCustomer(input: RegisterCustomerInput!): Customer!
    createCart(input: CreateCartInput!): Cart!
    addCartItem(cartId: ID!): Cart!
    mergeCarts(guestCartId: ID!, customerCartId: ID!): Cart!
  }
`);

const ALICE = "00000000-0000-4000-8000-0000000000a1";
const BOB = "00000000-0000-4000-8000-0000000000b0";
const ALICE_ORDER = "00000000-0000-4000-8000-00000000a001";
const BOB_ORDER = "00000000-0000-4000-8000-00000000b001";
const MISSING = "00000000-0000-4000-8000-00000000dead";
const GUEST_CART = "00000000-0000-4000-8000-00000000c001";
const ALICE_CART = "00000000-0000-4000-8000-00000000c0a1";
const CART_TOKEN = "the-guest-cart-token";

const alice = principalOf("alice", ["customer"], ALICE);
const bob = principalOf("bob", ["customer"], BOB);
const support = principalOf("support-1", ["support"]);
const fulfilment = principalOf("fulfilment-1", ["fulfilment"]);
const admin = principalOf("admin-1", ["admin"]);
/** Signed in with the customer role but not registered yet: no customer id. */
const newcomer = principalOf("newcomer", ["customer"]);

const ORDER_OWNERS: Record<string, Owner> = {
  [ALICE_ORDER]: { customerId: ALICE },
  [BOB_ORDER]: { customerId: BOB },
};
const CART_OWNERS: Record<string, Owner> = {
  [GUEST_CART]: { customerId: null, guestTokenHash: guestTokenHash(CART_TOKEN) },
  [ALICE_CART]: { customerId: ALICE },
};

/** A fresh schema, its resolvers' call log and its owner look-ups' call log. */
function setUp(owners?: OwnerLookups<RequestContext>) {
  const calls: string[] = [];
  const lookups: string[][] = [];
  /** The representations each call of the original `_entities` resolver got. */
  const entityCalls: unknown[][] = [];
  const record =
    <T>(name: string, answer: (args: Record<string, unknown>) => T) =>
    (_: unknown, args: Record<string, unknown>) => {
      calls.push(name);
      return answer(args);
    };
  const byId = (args: Record<string, unknown>) => ({ id: args.id });
  const table =
    (rows: Record<string, Owner>): OwnerLookups<RequestContext>["Order"] =>
    async (ids) => {
      lookups.push([...ids]);
      return new Map(ids.flatMap((id) => (rows[id] ? [[id, rows[id]] as const] : [])));
    };
  const schema: GraphQLSchema = buildSubgraphSchema([
    {
      typeDefs,
      resolvers: {
        Query: {
          customer: record("customer", byId),
          customers: record("customers", () => []),
          order: record("order", (args) => (ORDER_OWNERS[args.id as string] ? byId(args) : null)),
          orders: record("orders", () => []),
          cart: record("cart", byId),
          products: record("products", () => [{ id: "p1", title: "Kettle" }]),
        },
        Mutation: {
          closeCustomer: record("closeCustomer", byId),
          cancelOrder: record("cancelOrder", (args) => {
            if (!ORDER_OWNERS[args.id as string])
              throw DomainError.notFound("Order", args.id as string);
            return byId(args);
          }),
          suspendCustomer: record("suspendCustomer", byId),
          registerCustomer: record("registerCustomer", () => ({ id: ALICE })),
          createCart: record("createCart", () => ({ id: GUEST_CART })),
          addCartItem: record("addCartItem", (args) => ({ id: args.cartId })),
          mergeCarts: record("mergeCarts", (args) => ({ id: args.customerCartId })),
        },
        // Entity resolution through one batch per type, as a DataLoader would do it.
        Order: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id, total: 100 }),
        },
        Customer: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, name: "x" }) },
        Product: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, title: "t" }) },
        Cart: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) },
      },
    },
  ]);
  const entitiesField = schema.getQueryType()!.getFields()._entities!;
  const original = entitiesField.resolve!;
  entitiesField.resolve = (source, args, ctx, info) => {
    entityCalls.push((args as { representations: unknown[] }).representations);
    return original(source, args, ctx, info);
  };
  enforcePolicy(schema, owners ?? { Order: table(ORDER_OWNERS), Cart: table(CART_OWNERS) });
  const run = async (
    principal: Principal,
    query: string,
    variables: Record<string, unknown> = {},
    cartToken: string | null = null,
  ) => {
    const context: RequestContext = {
      correlationId: "t",
      principal,
      actor: actorOf(principal),
      cartToken,
    };
    const result = await cjsGraphql.execute({
      schema,
      document: cjsGraphql.parse(query),
      variableValues: variables,
      contextValue: context,
    });
    return {
      data: result.data as Record<string, unknown> | null | undefined,
      // The server's error formatter turns a DomainError into its code; raw execution keeps it.
      codes: (result.errors ?? []).map((e) =>
        e.originalError instanceof DomainError ? e.originalError.code : e.message,
      ),
    };
  };
  return { calls, lookups, entityCalls, run };
}

describe("enforcePolicy: roles", () => {
  it("refuses an anonymous caller with UNAUTHENTICATED and a signed-in one with FORBIDDEN", async () => {
    const { run, calls } = setUp();
    expect(await run(ANONYMOUS, `mutation { suspendCustomer(id: "${BOB}") { id } }`)).toEqual({
      data: null,
      codes: ["UNAUTHENTICATED"],
    });
    expect(await run(alice, `mutation { suspendCustomer(id: "${BOB}") { id } }`)).toEqual({
      data: null,
      codes: ["FORBIDDEN"],
    });
    expect(await run(principalOf("im", ["inventory_manager"]), "{ customers { id } }")).toEqual({
      data: null,
      codes: ["FORBIDDEN"],
    });
    expect(calls).toEqual([]);
  });

  it("lets in the roles a row names, admin everywhere, and anyone on a public row", async () => {
    const { run, calls } = setUp();
    expect((await run(support, `mutation { suspendCustomer(id: "${BOB}") { id } }`)).codes).toEqual(
      [],
    );
    expect((await run(admin, "{ customers { id } }")).codes).toEqual([]);
    expect(await run(ANONYMOUS, "{ products { title } }")).toEqual({
      data: { products: [{ title: "Kettle" }] },
      codes: [],
    });
    expect(calls).toEqual(["suspendCustomer", "customers", "products"]);
  });

  it("refuses to build a schema with a root field or entity type that has no row", () => {
    const noRow = (sdl: string) => () =>
      enforcePolicy(
        buildSubgraphSchema([
          {
            typeDefs: cjsGraphql.parse(
              `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
               ${sdl}`,
            ),
          },
        ]),
      );
    expect(noRow("type Query { somethingNew: Int }")).toThrow(/Query.somethingNew has no row/);
    expect(noRow("type Query { products: [Int] } type Mutation { wipeEverything: Int }")).toThrow(
      /Mutation.wipeEverything has no row/,
    );
    expect(
      noRow('type Query { products: [Int] } type Gadget @key(fields: "id") { id: ID! }'),
    ).toThrow(/Entity.Gadget has no row/);
  });
});

describe("enforcePolicy: ownership by argument", () => {
  it("answers a query for another customer's entity with null, as for a missing one, without resolving", async () => {
    const { run, calls } = setUp();
    expect(await run(alice, `{ customer(id: "${BOB}") { id } }`)).toEqual({
      data: { customer: null },
      codes: [],
    });
    expect(await run(alice, `{ order(id: "${BOB_ORDER}") { id } }`)).toEqual({
      data: { order: null },
      codes: [],
    });
    // A missing order reaches the resolver, which answers null: the same answer.
    expect(await run(alice, `{ order(id: "${MISSING}") { id } }`)).toEqual({
      data: { order: null },
      codes: [],
    });
    expect(calls).toEqual(["order"]);
  });

  it("answers a mutation on another customer's entity with NOT_FOUND, without running it", async () => {
    const { run, calls } = setUp();
    const mine = await run(alice, `mutation { cancelOrder(id: "${ALICE_ORDER}") { id } }`);
    expect(mine.codes).toEqual([]);
    const theirs = await run(alice, `mutation { cancelOrder(id: "${BOB_ORDER}") { id } }`);
    const missing = await run(alice, `mutation { cancelOrder(id: "${MISSING}") { id } }`);
    expect(theirs.codes).toEqual(["NOT_FOUND"]);
    expect(missing.codes).toEqual(["NOT_FOUND"]);
    const closeBob = await run(alice, `mutation { closeCustomer(id: "${BOB}") { id } }`);
    expect(closeBob.codes).toEqual(["NOT_FOUND"]);
    // The resolver ran for her own order and for the missing one (its own NOT_FOUND), never Bob's.
    expect(calls).toEqual(["cancelOrder", "cancelOrder"]);
  });

  it("compares ids in either letter case and binds only callers let in as customer", async () => {
    const { run, calls } = setUp();
    const upper = await run(
      alice,
      `mutation { closeCustomer(id: "${ALICE.toUpperCase()}") { id } }`,
    );
    expect(upper.codes).toEqual([]);
    // Support cancels anyone's order: staff let in by a role are not bound by ownership.
    expect(
      (await run(support, `mutation { cancelOrder(id: "${BOB_ORDER}") { id } }`)).codes,
    ).toEqual([]);
    expect(calls).toEqual(["closeCustomer", "cancelOrder"]);
  });

  it("gives a signed-in customer without a customer record nothing of anyone's", async () => {
    const { run, calls } = setUp();
    expect(await run(newcomer, `{ customer(id: "${ALICE}") { id } }`)).toEqual({
      data: { customer: null },
      codes: [],
    });
    expect(
      (await run(newcomer, `mutation { cancelOrder(id: "${ALICE_ORDER}") { id } }`)).codes,
    ).toEqual(["NOT_FOUND"]);
    expect(calls).toEqual([]);
  });

  it("fails closed when the subgraph has no owner look-up for an owned entity", async () => {
    const { run, calls } = setUp({});
    expect(
      (await run(alice, `mutation { cancelOrder(id: "${ALICE_ORDER}") { id } }`)).codes,
    ).toEqual(["NOT_FOUND"]);
    // Staff let in by their role need no look-up.
    expect(
      (await run(support, `mutation { cancelOrder(id: "${ALICE_ORDER}") { id } }`)).codes,
    ).toEqual([]);
    expect(calls).toEqual(["cancelOrder"]);
  });
});

describe("enforcePolicy: assigning an owner", () => {
  it("lets a signed-in caller register only their own subject", async () => {
    const { run, calls } = setUp();
    const register = (externalId: string) =>
      `mutation { registerCustomer(input: { externalId: "${externalId}" }) { id } }`;
    expect((await run(alice, register("alice"))).codes).toEqual([]);
    expect((await run(alice, register("bob"))).codes).toEqual(["FORBIDDEN"]);
    // Anonymous registration stays open (the design's), support registers on a customer's behalf.
    expect((await run(ANONYMOUS, register("someone"))).codes).toEqual([]);
    expect((await run(support, register("someone-else"))).codes).toEqual([]);
    // Other staff are let in as `anyone` only: bound to their own subject.
    expect((await run(fulfilment, register("someone-else"))).codes).toEqual(["FORBIDDEN"]);
    expect(calls).toEqual(["registerCustomer", "registerCustomer", "registerCustomer"]);
  });

  it("refuses a cart for another customer: FORBIDDEN signed in, UNAUTHENTICATED anonymous", async () => {
    const { run, calls } = setUp();
    const create = (customerId?: string) =>
      `mutation { createCart(input: { ${customerId ? `customerId: "${customerId}"` : ""} }) { id } }`;
    expect((await run(alice, create(BOB))).codes).toEqual(["FORBIDDEN"]);
    expect((await run(ANONYMOUS, create(BOB))).codes).toEqual(["UNAUTHENTICATED"]);
    expect((await run(newcomer, create(ALICE))).codes).toEqual(["FORBIDDEN"]);
    expect((await run(alice, create(ALICE.toUpperCase()))).codes).toEqual([]);
    // Omitted: a guest cart, for anyone.
    expect((await run(ANONYMOUS, create())).codes).toEqual([]);
    expect(calls).toEqual(["createCart", "createCart"]);
  });
});

describe("enforcePolicy: guest carts", () => {
  const addItem = (cartId: string) => `mutation { addCartItem(cartId: "${cartId}") { id } }`;

  it("opens a guest cart to whoever presents its token, and to no one else", async () => {
    const { run, calls } = setUp();
    expect((await run(ANONYMOUS, addItem(GUEST_CART), {}, CART_TOKEN)).codes).toEqual([]);
    expect((await run(ANONYMOUS, addItem(GUEST_CART), {}, "a-wrong-token")).codes).toEqual([
      "NOT_FOUND",
    ]);
    expect((await run(ANONYMOUS, addItem(GUEST_CART))).codes).toEqual(["NOT_FOUND"]);
    expect(await run(ANONYMOUS, `{ cart(id: "${GUEST_CART}") { id } }`, {}, "nope")).toEqual({
      data: { cart: null },
      codes: [],
    });
    expect(calls).toEqual(["addCartItem"]);
  });

  it("never opens a customer's cart with a token, and checks every condition of a row", async () => {
    const { run, calls } = setUp();
    expect((await run(ANONYMOUS, addItem(ALICE_CART), {}, CART_TOKEN)).codes).toEqual([
      "NOT_FOUND",
    ]);
    expect((await run(alice, addItem(ALICE_CART))).codes).toEqual([]);
    const merge = `mutation { mergeCarts(guestCartId: "${GUEST_CART}", customerCartId: "${ALICE_CART}") { id } }`;
    expect((await run(alice, merge, {}, CART_TOKEN)).codes).toEqual([]);
    // Without the guest cart's token, or into someone else's cart: as for a missing cart.
    expect((await run(alice, merge)).codes).toEqual(["NOT_FOUND"]);
    expect((await run(bob, merge, {}, CART_TOKEN)).codes).toEqual(["NOT_FOUND"]);
    expect(calls).toEqual(["addCartItem", "mergeCarts"]);
  });
});

describe("enforcePolicy: entity references", () => {
  const entities = `query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Order { id total }
      ... on Customer { id }
      ... on Product { id }
    }
  }`;

  it("refuses or nulls each item on its own and resolves the rest together, in order", async () => {
    const { run, lookups } = setUp();
    const result = await run(alice, entities, {
      representations: [
        { __typename: "Order", id: ALICE_ORDER },
        { __typename: "Order", id: BOB_ORDER },
        { __typename: "Product", id: "p1" },
        { __typename: "Customer", id: BOB },
        { __typename: "Customer", id: ALICE },
      ],
    });
    expect(result.data?._entities).toEqual([
      { id: ALICE_ORDER, total: 100 },
      null,
      { id: "p1" },
      null,
      { id: ALICE },
    ]);
    expect(result.codes).toEqual([]);
    expect(lookups.flat().sort()).toEqual([ALICE_ORDER, BOB_ORDER].sort());
  });

  it("answers a refused type's items with the refusal code in their place", async () => {
    const { run } = setUp();
    const anonymous = await run(ANONYMOUS, entities, {
      representations: [
        { __typename: "Product", id: "p1" },
        { __typename: "Order", id: ALICE_ORDER },
      ],
    });
    expect(anonymous.data?._entities).toEqual([{ id: "p1" }, null]);
    expect(anonymous.codes).toEqual(["UNAUTHENTICATED"]);
    // The catalogue manager reads no orders.
    const manager = await run(principalOf("cm", ["catalogue_manager"]), entities, {
      representations: [{ __typename: "Order", id: ALICE_ORDER }],
    });
    expect(manager.data?._entities).toEqual([null]);
    expect(manager.codes).toEqual(["FORBIDDEN"]);
  });

  it("passes the allowed representations to the original resolver in one call", async () => {
    const { run, entityCalls } = setUp();
    const result = await run(alice, entities, {
      representations: [
        { __typename: "Order", id: BOB_ORDER },
        { __typename: "Customer", id: ALICE },
        { __typename: "Product", id: "p2" },
        { __typename: "Order", id: ALICE_ORDER },
      ],
    });
    // One call (so a DataLoader underneath still batches), the allowed items in their order.
    expect(entityCalls).toEqual([
      [
        { __typename: "Customer", id: ALICE },
        { __typename: "Product", id: "p2" },
        { __typename: "Order", id: ALICE_ORDER },
      ],
    ]);
    expect(result.data?._entities).toEqual([
      null,
      { id: ALICE },
      { id: "p2" },
      { id: ALICE_ORDER, total: 100 },
    ]);
  });

  it("does not call the original resolver when every item is refused", async () => {
    const { run, entityCalls } = setUp();
    const result = await run(ANONYMOUS, entities, {
      representations: [{ __typename: "Customer", id: ALICE }],
    });
    expect(result.data?._entities).toEqual([null]);
    expect(result.codes).toEqual(["UNAUTHENTICATED"]);
    expect(entityCalls).toEqual([]);
  });
});

describe("ownershipScope", () => {
  it("narrows a customer's list to their own and lets staff see everything", () => {
    expect(ownershipScope(alice, "Query.orders")).toEqual({ all: false, customerId: ALICE });
    expect(ownershipScope(newcomer, "Query.orders")).toEqual({ all: false, customerId: null });
    expect(ownershipScope(support, "Query.orders")).toEqual({ all: true });
    expect(ownershipScope(admin, "Query.orders")).toEqual({ all: true });
  });

  it("throws the row's refusal, and on a coordinate without a row", () => {
    expect(() => ownershipScope(ANONYMOUS, "Query.orders")).toThrow(
      expect.objectContaining({ code: "UNAUTHENTICATED" }),
    );
    expect(() => ownershipScope(principalOf("cm", ["catalogue_manager"]), "Query.orders")).toThrow(
      expect.objectContaining({ code: "FORBIDDEN" }),
    );
    expect(() => ownershipScope(alice, "Query.nothingHere")).toThrow(/no policy row/);
  });
});
