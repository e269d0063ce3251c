import { createHash } from "node:crypto";
import { ANONYMOUS, principalOf } from "@shopstream/auth";
import { newId } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Caller,
  gqlAs,
  prisma,
  type Result,
  seedCustomer,
  seedVariant,
  useServer,
} from "./ordering.harness.ts";

useServer();

// Ownership in ordering (issue 11): another customer's order or cart is answered exactly as an
// id that does not exist, nothing is written, owners come from the principal, lists narrow, and
// a guest cart is reached with its token.

let alice: Caller;
let bob: Caller;
let aliceId: string;
let bobId: string;
let variant: string;
const anonymous: Caller = { principal: ANONYMOUS };
const support: Caller = { principal: principalOf("sam-support", ["support"]) };

beforeAll(async () => {
  [aliceId, bobId] = [await seedCustomer(), await seedCustomer()];
  alice = { principal: principalOf(unique("alice"), ["customer"], aliceId) };
  bob = { principal: principalOf(unique("bob"), ["customer"], bobId) };
  variant = await seedVariant(500);
});

/** The data of a result that must have succeeded (its only root field). */
function dataOf<T>(result: Result<Record<string, T>>): T {
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return Object.values(result.data ?? {})[0] as T;
}

const run = <T>(caller: Caller, query: string, variables: Record<string, unknown> = {}) =>
  gqlAs<Record<string, T>>(caller, query, variables);

/** A result with the id it names replaced, to compare answers about two different ids. */
const withoutId = (result: Result<unknown>, id: string) =>
  JSON.parse(JSON.stringify(result).replaceAll(id, "<id>"));

/**
 * Runs `query` as `caller` for `id` (another customer's) and for a random uuid: the answers must
 * be the same, apart from the id itself.
 */
async function sameAsMissing(
  caller: Caller,
  query: string,
  variables: (id: string) => Record<string, unknown>,
  id: string,
) {
  const missing = newId();
  const theirs = await run(caller, query, variables(id));
  const unknown = await run(caller, query, variables(missing));
  expect(withoutId(theirs, id)).toEqual(withoutId(unknown, missing));
  return theirs;
}

/** Everything ordering wrote about an aggregate: its outbox rows, for "nothing was written". */
const outboxOf = (aggregateId: string) =>
  prisma.outbox.findMany({ where: { aggregateId }, select: { eventId: true } });

const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id customer { id } } }`;
const CREATE_CART = `mutation($input: CreateCartInput) { createCart(input: $input) { id guestToken customer { id } } }`;
const ADD = `mutation($id: ID!, $v: ID!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: 1 }) { id lines { quantity } } }`;
const CART = `query($id: ID!) { cart(id: $id) { id status guestToken lines { variant { id } quantity } mergedInto { id } } }`;

async function aliceOrder(): Promise<string> {
  const placed = dataOf<{ id: string }>(
    await run(alice, PLACE, {
      input: { customerId: aliceId, lines: [{ variantId: variant, quantity: 1 }] },
    }),
  );
  return placed.id;
}

async function cartOf(caller: Caller, customerId: string | null) {
  return dataOf<{ id: string; guestToken: string | null; customer: { id: string } | null }>(
    await run(caller, CREATE_CART, { input: customerId ? { customerId } : null }),
  );
}

describe("orders: another customer's is a missing one", () => {
  it("reads null, and every order mutation answers NOT_FOUND without writing", async () => {
    const orderId = await aliceOrder();
    const before = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    const events = await outboxOf(orderId);

    const read = await sameAsMissing(
      bob,
      `query($id: ID!) { order(id: $id) { id status } }`,
      (id) => ({ id }),
      orderId,
    );
    expect(read).toEqual({ data: { order: null } });
    for (const [mutation, vars] of [
      [`mutation($id: ID!) { cancelOrder(id: $id) { id } }`, (id: string) => ({ id })],
      [`mutation($id: ID!) { requestOrderReturn(id: $id) { id } }`, (id: string) => ({ id })],
      [
        `mutation($id: ID!, $v: ID!) { addOrderItem(orderId: $id, input: { variantId: $v, quantity: 1 }) { id } }`,
        (id: string) => ({ id, v: variant }),
      ],
      [
        `mutation($id: ID!) { applyOrderCoupon(orderId: $id, code: "WELCOME10") { id } }`,
        (id: string) => ({ id }),
      ],
    ] as const) {
      const answer = await sameAsMissing(bob, mutation, vars, orderId);
      expect(answer.errors?.[0]?.extensions?.code, mutation).toBe("NOT_FOUND");
    }
    // An order reference from another subgraph: null, as a missing one.
    const entity = await sameAsMissing(
      bob,
      `query($id: ID!) { _entities(representations: [{ __typename: "Order", id: $id }]) { ... on Order { id } } }`,
      (id) => ({ id }),
      orderId,
    );
    expect(entity).toEqual({ data: { _entities: [null] } });

    expect(await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).toEqual(before);
    expect(await outboxOf(orderId)).toEqual(events);
    // The owner still reaches it.
    expect(
      dataOf(await run(alice, `query($id: ID!) { order(id: $id) { id } }`, { id: orderId })),
    ).toEqual({ id: orderId });
  });

  it("places an order or creates a cart only for the caller's own customer", async () => {
    const ordersOfAlice = await prisma.order.count({ where: { customerId: aliceId } });
    const cartsOfAlice = await prisma.cart.count({ where: { customerId: aliceId } });
    const input = { customerId: aliceId, lines: [{ variantId: variant, quantity: 1 }] };
    const placed = await run(bob, PLACE, { input });
    expect(placed.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await run(anonymous, PLACE, { input })).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
    const cart = await run(bob, CREATE_CART, { input: { customerId: aliceId } });
    expect(cart.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(
      (await run(anonymous, CREATE_CART, { input: { customerId: aliceId } })).errors?.[0]
        ?.extensions?.code,
    ).toBe("UNAUTHENTICATED");
    expect(await prisma.order.count({ where: { customerId: aliceId } })).toBe(ordersOfAlice);
    expect(await prisma.cart.count({ where: { customerId: aliceId } })).toBe(cartsOfAlice);
    // Their own: fine, and a customer cart has no token.
    const own = await cartOf(bob, bobId);
    expect(own).toMatchObject({ customer: { id: bobId }, guestToken: null });
  });

  it("narrows lists: a customer's orders are their own, another's filter reads as unknown", async () => {
    const orderId = await aliceOrder();
    const LIST = `query($f: OrderFilter) { orders(filter: $f, first: 100) { totalCount edges { node { id customer { id } } } } }`;
    type List = { totalCount: number; edges: { node: { id: string; customer: { id: string } } }[] };
    const mine = dataOf<List>(await run(alice, LIST));
    expect(mine.totalCount).toBeGreaterThan(0);
    expect(mine.edges.every((e) => e.node.customer.id === aliceId)).toBe(true);
    expect(mine.edges.map((e) => e.node.id)).toContain(orderId);
    const bobs = dataOf<List>(await run(bob, LIST));
    expect(bobs.edges.map((e) => e.node.id)).not.toContain(orderId);
    expect(bobs.edges.every((e) => e.node.customer.id === bobId)).toBe(true);
    const filtered = await sameAsMissing(bob, LIST, (id) => ({ f: { customerId: id } }), aliceId);
    expect(filtered).toEqual({ data: { orders: { totalCount: 0, edges: [] } } });
    // A customer's own filter, and staff reading everyone's.
    expect(dataOf<List>(await run(alice, LIST, { f: { customerId: aliceId } }))).toEqual(mine);
    const staff = dataOf<List>(await run(support, LIST, { f: { customerId: aliceId } }));
    expect(staff.edges.map((e) => e.node.id)).toContain(orderId);
    // A signed-in shopper who has not registered yet owns nothing.
    const stranger = { principal: principalOf(unique("new"), ["customer"]) };
    expect(dataOf<List>(await run(stranger, LIST))).toEqual({ totalCount: 0, edges: [] });
    // `Customer.orders` through their own order, and another customer's record refused.
    const nested = dataOf<{ customer: { orders: List } }>(
      await run(
        alice,
        `query($id: ID!) { order(id: $id) { customer { orders(first: 100) { totalCount edges { node { id customer { id } } } } } } }`,
        { id: orderId },
      ),
    );
    expect(nested.customer.orders).toEqual(mine);
    expect(
      await sameAsMissing(
        bob,
        `query($id: ID!) { _entities(representations: [{ __typename: "Customer", id: $id }]) { ... on Customer { orders { totalCount } } } }`,
        (id) => ({ id }),
        aliceId,
      ),
    ).toEqual({ data: { _entities: [null] } });
  });
});

describe("carts: another customer's is a missing one", () => {
  it("reads null and refuses changes as NOT_FOUND without writing", async () => {
    const cart = await cartOf(alice, aliceId);
    dataOf(await run(alice, ADD, { id: cart.id, v: variant }));
    const before = await prisma.cart.findUniqueOrThrow({ where: { id: cart.id } });
    const events = await outboxOf(cart.id);
    for (const caller of [bob, anonymous]) {
      expect(await sameAsMissing(caller, CART, (id) => ({ id }), cart.id)).toEqual({
        data: { cart: null },
      });
      for (const [mutation, vars] of [
        [ADD, (id: string) => ({ id, v: variant })],
        [`mutation($id: ID!) { abandonCart(id: $id) { id } }`, (id: string) => ({ id })],
        [
          `mutation($id: ID!) { applyCartCoupon(cartId: $id, code: "FIVEOFF") { id } }`,
          (id: string) => ({ id }),
        ],
      ] as const) {
        const answer = await sameAsMissing(caller, mutation, vars, cart.id);
        expect(answer.errors?.[0]?.extensions?.code, mutation).toBe("NOT_FOUND");
      }
    }
    const checkout = await sameAsMissing(
      bob,
      `mutation($id: ID!, $key: String!) { checkoutCart(cartId: $id, idempotencyKey: $key) { id } }`,
      (id) => ({ id, key: "same-key" }),
      cart.id,
    );
    expect(checkout.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(
      await sameAsMissing(
        bob,
        `query($id: ID!) { _entities(representations: [{ __typename: "Cart", id: $id }]) { ... on Cart { id } } }`,
        (id) => ({ id }),
        cart.id,
      ),
    ).toEqual({ data: { _entities: [null] } });
    expect(await prisma.cart.findUniqueOrThrow({ where: { id: cart.id } })).toEqual(before);
    expect(await outboxOf(cart.id)).toEqual(events);
  });
});

describe("guest carts", () => {
  it("are reached with their token only, which createCart answers once", async () => {
    const guest = await cartOf(anonymous, null);
    expect(guest.customer).toBeNull();
    expect(guest.guestToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = guest.guestToken!;
    // The cart keeps the token's hash, never the token.
    const row = await prisma.cart.findUniqueOrThrow({ where: { id: guest.id } });
    expect(row.guestTokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    const holder: Caller = { principal: ANONYMOUS, cartToken: token };

    expect(dataOf(await run(holder, ADD, { id: guest.id, v: variant }))).toEqual({
      id: guest.id,
      lines: [{ quantity: 1 }],
    });
    const read = dataOf<{ guestToken: string | null }>(await run(holder, CART, { id: guest.id }));
    expect(read.guestToken).toBeNull();

    // Without the token, or with another one: as a missing cart, nothing written.
    const events = await outboxOf(guest.id);
    const other = await cartOf(anonymous, null);
    for (const caller of [
      anonymous,
      { principal: ANONYMOUS, cartToken: other.guestToken },
      { principal: ANONYMOUS, cartToken: "x".repeat(43) },
      bob,
    ]) {
      expect(await sameAsMissing(caller, CART, (id) => ({ id }), guest.id)).toEqual({
        data: { cart: null },
      });
      const add = await sameAsMissing(caller, ADD, (id) => ({ id, v: variant }), guest.id);
      expect(add.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
    expect(await outboxOf(guest.id)).toEqual(events);
    // A signed-in shopper creating a cart without customerId gets a guest cart too.
    const signedIn = await cartOf(bob, null);
    expect(signedIn).toMatchObject({ customer: null, guestToken: expect.any(String) });
    // A guest cart cannot be checked out, token or not: a customer merges it first.
    const checkout = await run(
      { principal: alice.principal, cartToken: token },
      `mutation($id: ID!) { checkoutCart(cartId: $id, idempotencyKey: "guest-checkout") { id } }`,
      { id: guest.id },
    );
    expect(checkout.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });

  it("merge into the signed-in customer's own cart with the guest cart's token", async () => {
    const guest = await cartOf(anonymous, null);
    const token = guest.guestToken!;
    dataOf(
      await run({ principal: ANONYMOUS, cartToken: token }, ADD, { id: guest.id, v: variant }),
    );
    const own = await cartOf(alice, aliceId);
    const bobsCart = await cartOf(bob, bobId);
    const MERGE = `mutation($g: ID!, $c: ID!) { mergeCarts(guestCartId: $g, customerCartId: $c) { id lines { variant { id } quantity } } }`;

    // Without the token the guest cart is missing; into another customer's cart, that one is.
    const noToken = await sameAsMissing(alice, MERGE, (g) => ({ g, c: own.id }), guest.id);
    expect(noToken.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const intoBobs = await sameAsMissing(
      { principal: alice.principal, cartToken: token },
      MERGE,
      (c) => ({ g: guest.id, c }),
      bobsCart.id,
    );
    expect(intoBobs.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    // An anonymous holder may not merge: merging needs a signed-in customer.
    const anon = await run({ principal: ANONYMOUS, cartToken: token }, MERGE, {
      g: guest.id,
      c: own.id,
    });
    expect(anon.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await prisma.cart.findUniqueOrThrow({ where: { id: guest.id } })).status).toBe(
      "ACTIVE",
    );

    const merged = dataOf<{ id: string; lines: unknown[] }>(
      await run({ principal: alice.principal, cartToken: token }, MERGE, {
        g: guest.id,
        c: own.id,
      }),
    );
    expect(merged).toEqual({ id: own.id, lines: [{ variant: { id: variant }, quantity: 1 }] });
    // The guest cart's holder sees it abandoned, but not the customer's cart it went into.
    const after = dataOf<{ status: string; mergedInto: { id: string } | null }>(
      await run({ principal: ANONYMOUS, cartToken: token }, CART, { id: guest.id }),
    );
    expect(after).toMatchObject({ status: "ABANDONED", mergedInto: null });
    const asAlice = dataOf<{ mergedInto: { id: string } | null }>(
      await run({ principal: alice.principal, cartToken: token }, CART, { id: guest.id }),
    );
    expect(asAlice.mergedInto).toEqual({ id: own.id });
  });
});
