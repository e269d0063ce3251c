import { newId } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { describe, expect, it } from "vitest";
import { abandonIdleCarts } from "../src/carts/abandon-idle-carts.ts";
import {
  CART_FIELDS,
  type CartView,
  codeOfResult,
  fails,
  fieldsOf,
  gql,
  ORDER_FIELDS,
  type OrderView,
  ok,
  prisma,
  raceUntil,
  readCart,
  seedCustomer,
  seedVariant,
  useServer,
} from "./ordering.harness.ts";

useServer();

const CREATE = `mutation($input: CreateCartInput) { createCart(input: $input) { ${CART_FIELDS} } }`;
const ADD = `mutation($id: ID!, $v: ID!, $q: Int!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: $q }) { ${CART_FIELDS} } }`;
const CHECKOUT = `mutation($id: ID!, $key: String!) { checkoutCart(cartId: $id, idempotencyKey: $key) { ${ORDER_FIELDS} } }`;

const createCart = (customerId?: string) =>
  ok<CartView>(CREATE, { input: customerId ? { customerId } : null });
const add = (id: string, v: string, q: number) => ok<CartView>(ADD, { id, v, q });

describe("carts", () => {
  it("creates, adds (merging quantities), changes, removes, applies a coupon, abandons", async () => {
    const customerId = await seedCustomer();
    const [a, b] = [await seedVariant(100), await seedVariant(200)];
    const cart = await createCart(customerId);
    expect(cart).toMatchObject({
      status: "ACTIVE",
      version: 1,
      customer: { id: customerId },
      lines: [],
    });
    await add(cart.id, a, 2);
    const merged = await add(cart.id, a, 3);
    expect(merged.lines).toEqual([{ variant: { id: a }, quantity: 5 }]);
    await add(cart.id, b, 1);
    const changed = await ok<CartView>(
      `mutation($id: ID!, $v: ID!) { updateCartItemQuantity(cartId: $id, variantId: $v, quantity: 7) { ${CART_FIELDS} } }`,
      { id: cart.id, v: b },
    );
    expect(changed.lines).toEqual([
      { variant: { id: a }, quantity: 5 },
      { variant: { id: b }, quantity: 7 },
    ]);
    const removed = await ok<CartView>(
      `mutation($id: ID!, $v: ID!) { removeCartItem(cartId: $id, variantId: $v) { ${CART_FIELDS} } }`,
      { id: cart.id, v: a },
    );
    expect(removed.lines).toEqual([{ variant: { id: b }, quantity: 7 }]);
    const COUPON = `mutation($id: ID!, $code: String!) { applyCartCoupon(cartId: $id, code: $code) { ${CART_FIELDS} } }`;
    expect(
      fieldsOf(await fails("VALIDATION_FAILED", COUPON, { id: cart.id, code: "BOGUS" })),
    ).toEqual(["code"]);
    expect((await ok<CartView>(COUPON, { id: cart.id, code: "fiveoff" })).couponCode).toBe(
      "FIVEOFF",
    );
    expect(
      fieldsOf(await fails("VALIDATION_FAILED", COUPON, { id: cart.id, code: "FIVEOFF" })),
    ).toEqual(["code"]);
    const tooMany = await fails("VALIDATION_FAILED", ADD, { id: cart.id, v: b, q: 993 });
    expect(fieldsOf(tooMany)).toEqual(["quantity"]);
    const abandoned = await ok<CartView>(
      `mutation($id: ID!) { abandonCart(id: $id) { ${CART_FIELDS} } }`,
      {
        id: cart.id,
      },
    );
    expect(abandoned.status).toBe("ABANDONED");
    expect(abandoned.version).toBe(8);
    await fails("INVALID_STATE_TRANSITION", ADD, { id: cart.id, v: a, q: 1 });
    const events = await prisma.outbox.findMany({
      where: { aggregateId: cart.id },
      orderBy: { aggregateVersion: "asc" },
    });
    expect(events.map((e) => [e.eventType, e.aggregateVersion])).toEqual([
      ["CartCreated", 1],
      ["CartItemAdded", 2],
      ["CartItemAdded", 3],
      ["CartItemAdded", 4],
      ["CartItemQuantityChanged", 5],
      ["CartItemRemoved", 6],
      ["CartCouponApplied", 7],
      ["CartAbandoned", 8],
    ]);
  });

  it("rejects an unknown customer and unknown or non-orderable variants", async () => {
    const e = await fails("VALIDATION_FAILED", CREATE, { input: { customerId: newId() } });
    expect(fieldsOf(e)).toEqual(["customerId"]);
    const cart = await createCart();
    expect(cart.customer).toBeNull();
    const draft = await seedVariant(100, { status: "DRAFT" });
    expect(
      fieldsOf(await fails("VALIDATION_FAILED", ADD, { id: cart.id, v: draft, q: 1 })),
    ).toEqual(["variantId"]);
    expect(
      fieldsOf(await fails("VALIDATION_FAILED", ADD, { id: cart.id, v: newId(), q: 1 })),
    ).toEqual(["variantId"]);
  });

  it("merges a guest cart into a customer's cart", async () => {
    const customerId = await seedCustomer();
    const [a, b] = [await seedVariant(100), await seedVariant(200)];
    const guest = await createCart();
    await add(guest.id, a, 2);
    await add(guest.id, b, 1);
    const mine = await createCart(customerId);
    await add(mine.id, a, 1);
    const merged = await ok<CartView>(
      `mutation($g: ID!, $c: ID!) { mergeCarts(guestCartId: $g, customerCartId: $c) { ${CART_FIELDS} } }`,
      { g: guest.id, c: mine.id },
    );
    expect(merged.lines).toEqual([
      { variant: { id: a }, quantity: 3 },
      { variant: { id: b }, quantity: 1 },
    ]);
    expect(await readCart(guest.id)).toMatchObject({
      status: "ABANDONED",
      mergedInto: { id: mine.id },
    });
  });
});

describe("carts under concurrency and database constraints", () => {
  it("concurrent additions to one cart: each applies fully or fails with CONFLICT", async () => {
    const round = async () => {
      const cart = await createCart(await seedCustomer());
      const v = await seedVariant(100);
      const results = await Promise.all(
        Array.from({ length: 5 }, () => gql(ADD, { id: cart.id, v, q: 2 })),
      );
      const codes = results.map(codeOfResult);
      for (const code of codes) expect([null, "CONFLICT"]).toContain(code);
      const applied = codes.filter((c) => c === null).length;
      expect(applied).toBeGreaterThanOrEqual(1);
      const final = await readCart(cart.id);
      expect(final.lines).toEqual([{ variant: { id: v }, quantity: 2 * applied }]);
      expect(final.version).toBe(1 + applied);
      return codes;
    };
    await raceUntil(round, (rounds) =>
      rounds.flat().includes("CONFLICT") ? [] : ["an addition losing on the version guard"],
    );
  });

  it("CHECK constraints refuse quantities outside 1..999 and negative money", async () => {
    const cart = await createCart();
    const v = await seedVariant(100);
    await expect(
      prisma.cartLine.create({
        data: { cartId: cart.id, variantId: v, quantity: 1000, position: 0 },
      }),
    ).rejects.toThrow(/cart_line_quantity_range/);
    const customerId = await seedCustomer();
    const order = await ok<{ id: string; lines: { id: string }[] }>(
      `mutation($c: ID!, $v: ID!) { placeOrder(input: { customerId: $c, lines: [{ variantId: $v, quantity: 1 }] }) { id lines { id } } }`,
      { c: customerId, v },
    );
    await expect(
      prisma.orderLine.update({ where: { id: order.lines[0]!.id }, data: { quantity: 0 } }),
    ).rejects.toThrow(/order_line_quantity_range/);
    await expect(
      prisma.order.update({ where: { id: order.id }, data: { totalAmount: -1 } }),
    ).rejects.toThrow(/order_amounts_non_negative/);
  });
});

describe("checkoutCart", () => {
  async function filledCart(opts: { tier?: string } = {}) {
    const customerId = await seedCustomer(opts);
    const a = await seedVariant(1000, { tierPrices: [{ tier: "SILVER", amount: 900 }] });
    const cart = await createCart(customerId);
    await add(cart.id, a, 2);
    return { customerId, a, cart };
  }

  it("converts the cart and places an order with server-side prices; a repeat returns it", async () => {
    const { customerId, cart } = await filledCart({ tier: "SILVER" });
    await ok(`mutation($id: ID!) { applyCartCoupon(cartId: $id, code: "WELCOME10") { id } }`, {
      id: cart.id,
    });
    const key = unique("co");
    const order = await ok<OrderView>(CHECKOUT, { id: cart.id, key });
    expect(order).toMatchObject({ status: "CREATED", customer: { id: customerId } });
    expect(order.lines[0]!.unitPrice.amount).toBe(900);
    expect(order.subtotal.amount).toBe(1800);
    expect(order.coupon).toEqual({ code: "WELCOME10", amount: { amount: 180 } });
    expect(order.grandTotal.amount).toBe(1620);
    const again = await ok<OrderView>(CHECKOUT, { id: cart.id, key });
    expect(again.id).toBe(order.id);
    expect(await readCart(cart.id)).toMatchObject({
      status: "CONVERTED",
      order: { id: order.id, status: "CREATED" },
    });
    // The key with another cart is DUPLICATE; the converted cart with another key is rejected.
    const other = await filledCart();
    expect(fieldsOf(await fails("DUPLICATE", CHECKOUT, { id: other.cart.id, key }))).toEqual([
      "idempotencyKey",
    ]);
    await fails("INVALID_STATE_TRANSITION", CHECKOUT, { id: cart.id, key: unique("co") });
  });

  it("ten concurrent checkouts with one key create one order", async () => {
    const { cart, customerId } = await filledCart();
    const key = unique("co");
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        gql<{ checkoutCart: { id: string } }>(CHECKOUT, { id: cart.id, key }),
      ),
    );
    for (const r of results) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.checkoutCart.id)).size).toBe(1);
    expect(await prisma.order.count({ where: { customerId } })).toBe(1);
  });

  it("rejects a suspended customer, a guest cart, an empty cart and an unknown cart", async () => {
    const { customerId, cart } = await filledCart();
    await prisma.customerView.update({ where: { customerId }, data: { status: "SUSPENDED" } });
    await fails("INVALID_STATE_TRANSITION", CHECKOUT, { id: cart.id, key: unique("co") });
    expect((await readCart(cart.id)).status).toBe("ACTIVE");
    const guest = await createCart();
    await add(guest.id, await seedVariant(10), 1);
    expect(
      fieldsOf(await fails("VALIDATION_FAILED", CHECKOUT, { id: guest.id, key: unique("co") })),
    ).toEqual(["cartId"]);
    const empty = await createCart(await seedCustomer());
    expect(
      fieldsOf(await fails("VALIDATION_FAILED", CHECKOUT, { id: empty.id, key: unique("co") })),
    ).toEqual(["cartId"]);
    await fails("NOT_FOUND", CHECKOUT, { id: newId(), key: unique("co") });
  });
});

describe("abandonIdleCarts", () => {
  it("abandons carts idle 24 h, each with its event; concurrent runs abandon each cart once", async () => {
    const round = async () => {
      const customerId = await seedCustomer();
      const idle = await Promise.all(
        Array.from({ length: 6 }, (_, i) => createCart(i % 2 ? customerId : undefined)),
      );
      const fresh = await createCart(customerId);
      const longAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
      await prisma.cart.updateMany({
        where: { id: { in: idle.map((c) => c.id) } },
        data: { lastActivityAt: longAgo },
      });
      const now = new Date();
      const counts = await Promise.all([
        abandonIdleCarts(prisma, now),
        abandonIdleCarts(prisma, now),
      ]);
      // Other tests' idle carts may be abandoned by the same runs.
      expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(idle.length);
      const rows = await prisma.cart.findMany({
        where: { id: { in: [...idle, fresh].map((c) => c.id) } },
      });
      for (const r of rows) expect(r.status).toBe(r.id === fresh.id ? "ACTIVE" : "ABANDONED");
      const events = await prisma.outbox.findMany({
        where: { aggregateId: { in: idle.map((c) => c.id) }, eventType: "CartAbandoned" },
      });
      expect(events).toHaveLength(idle.length);
      expect(events.every((e) => (e.payload as { reason: string }).reason === "IDLE")).toBe(true);
      return counts;
    };
    // The race exists for two runs working side by side: some round must see both abandon carts.
    await raceUntil(round, (rounds) =>
      rounds.some(([a, b]) => a! > 0 && b! > 0) ? [] : ["both runs abandoning carts"],
    );
  });
});
