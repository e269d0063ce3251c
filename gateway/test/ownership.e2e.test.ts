import { randomUUID } from "node:crypto";
import { type Role, readDevKey, signDevToken } from "@shopstream/auth";
import { DEFAULT_DEV_KEY_FILE } from "@shopstream/stack";
import { unique } from "@shopstream/testing";
import { pollUntil } from "@shopstream/testing/kit";
import { beforeAll, describe, expect, inject, it } from "vitest";

// Ownership through the gateway (issue 11), with real dev tokens: two customers, each signed in
// with their own token and registered under its subject. Another customer's order, cart, payment
// or invoice is answered exactly as an id that does not exist; owner ids come from the token; a
// guest cart is reached with its cart token and merged into the signed-in customer's cart.

const gateway = () => inject("gatewayUrl");

interface Result<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function devToken(sub: string, roles: Role[]): Promise<string> {
  const key = await readDevKey(DEFAULT_DEV_KEY_FILE);
  return signDevToken(key.privateKey, { sub, roles }, { ttlSeconds: 600 });
}

/** Someone calling the gateway: a bearer token (none: anonymous) and maybe a cart token. */
interface Caller {
  token?: string;
  cartToken?: string;
}

async function send<T = Record<string, unknown>>(
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Result<T>> {
  const res = await fetch(gateway(), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}),
      ...(caller.cartToken ? { "x-cart-token": caller.cartToken } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Result<T>;
}

const codeOf = (r: Result<unknown>) => r.errors?.[0]?.extensions?.code;

/** The only root field of a result that must have succeeded. */
function dataOf<T>(r: Result<Record<string, T>>): T {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return Object.values(r.data ?? {})[0] as T;
}

/**
 * Sends until the answer stops failing with one of `codes` (an event still on its way: ordering
 * learning of the customer, payments of the order's owner, the gateway's short-lived cache of a
 * subject not registered yet) and returns the first other answer's data.
 */
async function okAfter<T>(
  codes: string[],
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await pollUntil(
    `${query.slice(0, 50)}… to stop failing with ${codes.join("/")}`,
    () => send<Record<string, T>>(caller, query, variables),
    (r) => !codes.includes(codeOf(r) as string),
    { intervalMs: 200 },
  );
  return dataOf(result);
}

const withoutId = (r: Result<unknown>, id: string) =>
  JSON.parse(JSON.stringify(r).replaceAll(id, "<id>"));

/** `query` about someone else's `id` answers exactly what it answers about a random uuid. */
async function sameAsMissing(
  caller: Caller,
  query: string,
  variables: (id: string) => Record<string, unknown>,
  id: string,
): Promise<Result> {
  const missing = randomUUID();
  const theirs = await send(caller, query, variables(id));
  expect(withoutId(theirs, id), query).toEqual(
    withoutId(await send(caller, query, variables(missing)), missing),
  );
  return theirs;
}

interface Shopper extends Caller {
  token: string;
  customerId: string;
  email: string;
}

/** A customer signed in with their own token, registered under its subject. */
async function shopper(tag: string): Promise<Shopper> {
  const sub = unique(tag);
  const token = await devToken(sub, ["customer"]);
  const email = `${sub}@example.com`;
  const { id } = dataOf<{ id: string }>(
    await send<Record<string, { id: string }>>(
      { token },
      `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`,
      { input: { externalId: sub, email, firstName: "Own", lastName: tag } },
    ),
  );
  return { token, customerId: id, email };
}

let admin: Caller;
let alice: Shopper;
let bob: Shopper;
let variant: string;
const anonymous: Caller = {};

beforeAll(async () => {
  admin = { token: await devToken(unique("admin"), ["admin"]) };
  [alice, bob] = [await shopper("alice"), await shopper("bob")];
  const sku = unique("OWN").toUpperCase();
  const { id: productId } = dataOf<{ id: string }>(
    await send<Record<string, { id: string }>>(
      admin,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { sku, title: `Product ${sku}` } },
    ),
  );
  variant = dataOf<{ id: string }>(
    await send<Record<string, { id: string }>>(
      admin,
      `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
      {
        id: productId,
        input: { variantSku: `${sku}-V`, price: { amount: 1_250, currency: "EUR" } },
      },
    ),
  ).id;
  dataOf(
    await send(admin, `mutation($id: ID!) { activateProduct(id: $id) { id } }`, { id: productId }),
  );
});

const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id customer { id email } payments { id } invoice { id } } }`;

/** An order of `who`'s, once ordering knows them and the variant. */
const orderOf = async (who: Shopper) =>
  (
    await okAfter<{ id: string }>(["VALIDATION_FAILED", "FORBIDDEN"], who, PLACE, {
      input: { customerId: who.customerId, lines: [{ variantId: variant, quantity: 1 }] },
    })
  ).id;

describe("ownership through the gateway", () => {
  it("orders, payments and invoices: the owner's, and another customer's as unknown ids", async () => {
    const orderId = await orderOf(alice);
    // Payments learns the order's owner from OrderPlaced; until then a customer cannot pay it.
    const payment = await okAfter<{ id: string }>(
      ["NOT_FOUND"],
      alice,
      `mutation($id: ID!, $key: String!) { initiatePayment(input: { orderId: $id, amount: { amount: 1250, currency: "EUR" }, idempotencyKey: $key }) { id } }`,
      { id: orderId, key: unique("pay") },
    );
    const invoice = dataOf<{ id: string }>(
      await send<Record<string, { id: string }>>(
        admin,
        `mutation($id: ID!) { generateInvoice(orderId: $id, input: { currency: "EUR", lines: [{ description: "Mug", quantity: 1, unitPrice: 1250 }] }) { id } }`,
        { id: orderId },
      ),
    );

    // The owner sees it all, across identity, ordering and payments.
    expect(dataOf(await send(alice, ORDER, { id: orderId }))).toEqual({
      id: orderId,
      customer: { id: alice.customerId, email: alice.email },
      payments: [{ id: payment.id }],
      invoice: { id: invoice.id },
    });
    expect(
      dataOf(
        await send(alice, `query($id: ID!) { payment(id: $id) { id order { id } } }`, {
          id: payment.id,
        }),
      ),
    ).toEqual({ id: payment.id, order: { id: orderId } });

    // Bob: every read is null and every change NOT_FOUND, exactly as for ids that do not exist.
    expect(await sameAsMissing(bob, ORDER, (id) => ({ id }), orderId)).toEqual({
      data: { order: null },
    });
    for (const query of [
      `query($id: ID!) { payment(id: $id) { id amount { amount } } }`,
      `query($id: ID!) { invoice(id: $id) { id total { amount } } }`,
    ]) {
      const id = query.includes("payment") ? payment.id : invoice.id;
      const answer = await sameAsMissing(bob, query, (x) => ({ id: x }), id);
      expect(Object.values(answer.data ?? {})).toEqual([null]);
    }
    for (const [mutation, id] of [
      [`mutation($id: ID!) { cancelOrder(id: $id) { id } }`, orderId],
      [`mutation($id: ID!) { retryPayment(id: $id) { id } }`, payment.id],
      [
        `mutation($id: ID!) { initiatePayment(input: { orderId: $id, amount: { amount: 1, currency: "EUR" }, idempotencyKey: "bob-steals" }) { id } }`,
        orderId,
      ],
    ] as const) {
      expect(codeOf(await sameAsMissing(bob, mutation, (x) => ({ id: x }), id)), mutation).toBe(
        "NOT_FOUND",
      );
    }
    // Nothing changed: still CREATED, still one payment.
    expect(
      dataOf(
        await send(alice, `query($id: ID!) { order(id: $id) { status payments { id } } }`, {
          id: orderId,
        }),
      ),
    ).toEqual({ status: "CREATED", payments: [{ id: payment.id }] });

    // Lists: Bob's orders hold none of Alice's; naming her reads as an unknown customer.
    const LIST = `query($f: OrderFilter) { orders(filter: $f, first: 100) { totalCount edges { node { id } } } }`;
    const bobs = dataOf<{ edges: { node: { id: string } }[] }>(await send(bob, LIST));
    expect(bobs.edges.map((e) => e.node.id)).not.toContain(orderId);
    expect(
      await sameAsMissing(bob, LIST, (id) => ({ f: { customerId: id } }), alice.customerId),
    ).toEqual({ data: { orders: { totalCount: 0, edges: [] } } });
    const mine = dataOf<{ edges: { node: { id: string } }[] }>(await send(alice, LIST));
    expect(mine.edges.map((e) => e.node.id)).toContain(orderId);
  });

  it("takes owner ids from the token: an order or cart for another customer is FORBIDDEN", async () => {
    await orderOf(bob); // Bob is known to ordering and to the gateway's look-up by now.
    const input = { customerId: alice.customerId, lines: [{ variantId: variant, quantity: 1 }] };
    expect(codeOf(await send(bob, PLACE, { input }))).toBe("FORBIDDEN");
    expect(codeOf(await send(anonymous, PLACE, { input }))).toBe("UNAUTHENTICATED");
    expect(
      codeOf(
        await send(bob, `mutation($c: ID) { createCart(input: { customerId: $c }) { id } }`, {
          c: alice.customerId,
        }),
      ),
    ).toBe("FORBIDDEN");
  });

  it("guest carts: reached with the cart token, merged into the customer's own cart", async () => {
    const CREATE = `mutation($c: ID) { createCart(input: { customerId: $c }) { id guestToken } }`;
    const ADD = `mutation($id: ID!, $v: ID!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: 2 }) { id lines { quantity } } }`;
    const CART = `query($id: ID!) { cart(id: $id) { id status guestToken lines { quantity } } }`;
    const guest = dataOf<{ id: string; guestToken: string }>(await send(anonymous, CREATE));
    expect(guest.guestToken).toEqual(expect.any(String));
    const holder: Caller = { cartToken: guest.guestToken };
    // Ordering hears of the variant through catalogue's events.
    expect(await okAfter(["VALIDATION_FAILED"], holder, ADD, { id: guest.id, v: variant })).toEqual(
      { id: guest.id, lines: [{ quantity: 2 }] },
    );
    expect(dataOf(await send(holder, CART, { id: guest.id }))).toEqual({
      id: guest.id,
      status: "ACTIVE",
      guestToken: null,
      lines: [{ quantity: 2 }],
    });
    // Without the token, or with a wrong one, as a missing cart.
    for (const caller of [anonymous, { cartToken: "wrong-token" }, bob]) {
      expect(await sameAsMissing(caller, CART, (id) => ({ id }), guest.id)).toEqual({
        data: { cart: null },
      });
      expect(codeOf(await sameAsMissing(caller, ADD, (id) => ({ id, v: variant }), guest.id))).toBe(
        "NOT_FOUND",
      );
    }

    // Alice's own cart: Bob cannot see it.
    const own = await okAfter<{ id: string }>(["VALIDATION_FAILED", "FORBIDDEN"], alice, CREATE, {
      c: alice.customerId,
    });
    expect(await sameAsMissing(bob, CART, (id) => ({ id }), own.id)).toEqual({
      data: { cart: null },
    });

    // Signed in, Alice merges the guest cart (with its token) into her own cart.
    const MERGE = `mutation($g: ID!, $c: ID!) { mergeCarts(guestCartId: $g, customerCartId: $c) { id customer { id } lines { variant { id } quantity } } }`;
    expect(codeOf(await send(alice, MERGE, { g: guest.id, c: own.id }))).toBe("NOT_FOUND");
    expect(
      dataOf(
        await send({ token: alice.token, cartToken: guest.guestToken }, MERGE, {
          g: guest.id,
          c: own.id,
        }),
      ),
    ).toEqual({
      id: own.id,
      customer: { id: alice.customerId },
      lines: [{ variant: { id: variant }, quantity: 2 }],
    });
    expect(dataOf(await send(holder, CART, { id: guest.id }))).toMatchObject({
      status: "ABANDONED",
    });
  });
});
