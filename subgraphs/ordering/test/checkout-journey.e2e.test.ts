import { unique } from "@shopstream/testing";
import { e2eShop, errorCode, pollUntil } from "@shopstream/testing/e2e-shop";
import { describe, expect, inject, it } from "vitest";

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
// Customers shop for themselves (`shop.asCustomer`); fulfilment confirms, support suspends.
const fulfilment = shop.as("fulfilment");

/** Polls the order until `done` (the saga's events are on their way). */
const orderUntil = (id: string, done: (o: OrderRead) => boolean) =>
  shop.orderUntil(id, ORDER, done);

interface OrderRead {
  id: string;
  status: string;
  customer: { id: string; email: string };
  lines: { quantity: number; unitPrice: { amount: number }; variant: { id: string } }[];
  grandTotal: { amount: number };
  timeline: { type: string }[];
  checkout: { status: string; steps: { name: string }[] };
}

const CART = `id status lines { variant { id } quantity } customer { id }`;
const ORDER = `id status version customer { id email }
  lines { quantity unitPrice { amount currency } variant { id } }
  subtotal { amount } grandTotal { amount }
  timeline { type version } checkout { status steps { name } }`;

describe("checkout journey through the gateway", () => {
  it("cart → items → checkout → CREATED with server-side prices → confirm → cancel", async () => {
    const tag = unique("ORD").toUpperCase();
    const customerId = await shop.registerCustomer(tag);
    const mug = await shop.activeVariant(`${tag}-A`, 1250);
    const cup = await shop.activeVariant(`${tag}-B`, 499);

    // Ordering learns of the customer and the variants (with their active product) through
    // identity's and catalogue's events: the helper retries until it has.
    const cartId = await shop.cartWith(customerId, [
      { variantId: mug, quantity: 2 },
      { variantId: cup, quantity: 1 },
    ]);
    const customer = shop.asCustomer(customerId);
    const { cart: before } = await customer.ok<{ cart: unknown }>(
      `query($id: ID!) { cart(id: $id) { ${CART} } }`,
      { id: cartId },
    );
    expect(before).toEqual({
      id: cartId,
      status: "ACTIVE",
      lines: [
        { variant: { id: mug }, quantity: 2 },
        { variant: { id: cup }, quantity: 1 },
      ],
      customer: { id: customerId },
    });

    const key = unique("checkout");
    const { checkoutCart: order } = await customer.ok<{ checkoutCart: OrderRead }>(
      `mutation($id: ID!, $key: String!) { checkoutCart(cartId: $id, idempotencyKey: $key) { ${ORDER} } }`,
      { id: cartId, key },
    );
    expect(order.status).toBe("CREATED");
    expect(order.customer).toEqual({ id: customerId, email: `${tag.toLowerCase()}@example.com` });
    expect(order.lines.map((l) => [l.variant.id, l.quantity, l.unitPrice.amount])).toEqual([
      [mug, 2, 1250],
      [cup, 1, 499],
    ]);
    expect(order.grandTotal.amount).toBe(2 * 1250 + 499);

    shop.ownedBy(order.id, customerId);
    await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id status } }`, {
      id: order.id,
    });
    // Nothing of these variants is in stock: inventory reports a shortage and the checkout saga
    // cancels the order; cancelling it again then changes nothing.
    await orderUntil(order.id, (o) => o.status === "CANCELLED");
    await customer.ok(
      `mutation($id: ID!) { cancelOrder(id: $id, reason: "journey") { id status } }`,
      {
        id: order.id,
      },
    );

    const read = await customer.ok<{
      order: OrderRead;
      cart: unknown;
      customer: { orders: unknown };
    }>(
      `query($id: ID!, $cart: ID!, $c: ID!) {
        order(id: $id) { ${ORDER} }
        cart(id: $cart) { status order { id } }
        customer(id: $c) { orders { totalCount edges { node { id status } } } }
      }`,
      { id: order.id, cart: cartId, c: customerId },
    );
    expect(read.order.status).toBe("CANCELLED");
    expect(read.order.timeline.map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderConfirmed",
      "OrderCancelled",
    ]);
    expect(read.order.checkout).toEqual({
      status: "FAILED",
      steps: [{ name: "ORDER_CONFIRMED" }, { name: "ORDER_CANCELLED" }],
    });
    expect(read.cart).toEqual({ status: "CONVERTED", order: { id: order.id } });
    expect(read.customer.orders).toEqual({
      totalCount: 1,
      edges: [{ node: { id: order.id, status: "CANCELLED" } }],
    });
  });

  it("rejects the checkout of a suspended customer", async () => {
    const tag = unique("SUS").toUpperCase();
    const customerId = await shop.registerCustomer(tag);
    const variant = await shop.activeVariant(`${tag}-A`, 900);
    const cartId = await shop.cartWith(customerId, [{ variantId: variant, quantity: 1 }]);
    await shop
      .as("support")
      .ok(`mutation($id: ID!) { suspendCustomer(id: $id, reason: "fraud check") { id } }`, {
        id: customerId,
      });
    const customer = shop.asCustomer(customerId);

    // Wait until ordering has heard of the suspension: probe with a throwaway placement, which
    // is rejected once the view says SUSPENDED. Then the checkout must be rejected too.
    await pollUntil(
      "ordering to learn of the suspension",
      () =>
        customer.send(
          `mutation($c: ID!, $v: ID!) { placeOrder(input: { customerId: $c, lines: [{ variantId: $v, quantity: 1 }] }) { id } }`,
          { c: customerId, v: variant },
        ),
      (probe) => errorCode(probe) === "INVALID_STATE_TRANSITION",
    );
    const result = await customer.send(
      `mutation($id: ID!, $key: String!) { checkoutCart(cartId: $id, idempotencyKey: $key) { id } }`,
      { id: cartId, key: unique("k") },
    );
    expect(errorCode(result)).toBe("INVALID_STATE_TRANSITION");
    const cart = await customer.ok<{ cart: { status: string } }>(
      `query($id: ID!) { cart(id: $id) { status } }`,
      { id: cartId },
    );
    expect(cart.cart.status).toBe("ACTIVE");
  });

  it("checkout saga: stock reserved → payment initiated → provider succeeds → PAID", async () => {
    const tag = unique("SAGA").toUpperCase();
    const customerId = await shop.registerCustomer(tag);
    const variantId = await shop.activeVariant(`${tag}-A`, 1500);
    await shop.stock(variantId, 5);

    const order = await shop.placeOrder<OrderRead>(customerId, [{ variantId, quantity: 2 }], ORDER);
    await shop.scriptPayment({ orderId: order.id }, [{ outcome: "succeed" }]);

    await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id status } }`, {
      id: order.id,
    });
    const paid = await orderUntil(
      order.id,
      (o) => o.status !== "CONFIRMED" && o.status !== "PAYMENT_PENDING",
    );
    expect(paid.status).toBe("PAID");
    expect(paid.timeline.map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderConfirmed",
      "OrderPaymentPending",
      "OrderPaid",
    ]);
    expect(paid.checkout.status).toBe("COMPLETED");
  });
});
