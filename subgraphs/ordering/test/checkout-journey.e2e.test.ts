import { graphql, unique } from "@shopstream/testing";
import { describe, expect, inject, it } from "vitest";

const gateway = () => inject("gatewayUrl");

type Errors = { message: string; extensions?: { code?: string } }[] | undefined;

async function ok<T>(query: string, variables: Record<string, unknown> = {}) {
  const result = await graphql<T>(gateway(), query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as T;
}

/** Retries `attempt` until it stops failing with `code` (the events are still on their way). */
async function eventually<T>(
  attempt: () => Promise<{ data?: T; errors?: Errors }>,
  code: string,
  timeoutMs = 20_000,
): Promise<{ data?: T; errors?: Errors }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result.errors?.[0]?.extensions?.code !== code || Date.now() > deadline) return result;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function registerCustomer(tag: string) {
  const { registerCustomer } = await ok<{ registerCustomer: { id: string } }>(
    `mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`,
    {
      input: {
        externalId: `ext-${tag}`,
        email: `${tag.toLowerCase()}@example.com`,
        firstName: "Ada",
        lastName: "Lovelace",
      },
    },
  );
  return registerCustomer.id;
}

async function activeVariant(tag: string, amount: number) {
  const { createProduct } = await ok<{ createProduct: { id: string } }>(
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { sku: tag, title: `Mug ${tag}` } },
  );
  const { addProductVariant } = await ok<{ addProductVariant: { id: string } }>(
    `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
    { id: createProduct.id, input: { variantSku: `${tag}-V`, price: { amount, currency: "EUR" } } },
  );
  await ok(`mutation($id: ID!) { activateProduct(id: $id) { id status } }`, {
    id: createProduct.id,
  });
  return addProductVariant.id;
}

/** Polls the order until `done` (the saga's events are on their way). */
async function orderUntil(id: string, done: (o: OrderRead) => boolean): Promise<OrderRead> {
  const started = Date.now();
  for (;;) {
    const { order } = await ok<{ order: OrderRead }>(
      `query($id: ID!) { order(id: $id) { ${ORDER} } }`,
      { id },
    );
    if (done(order)) return order;
    if (Date.now() - started > 20_000) throw new Error(`order stuck at ${JSON.stringify(order)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

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
    const customerId = await registerCustomer(tag);
    const mug = await activeVariant(`${tag}-A`, 1250);
    const cup = await activeVariant(`${tag}-B`, 499);

    // Ordering learns of the customer through identity's events: retry until it has.
    const created = await eventually(
      () =>
        graphql<{ createCart: { id: string } }>(
          gateway(),
          `mutation($c: ID!) { createCart(input: { customerId: $c }) { ${CART} } }`,
          { c: customerId },
        ),
      "VALIDATION_FAILED",
    );
    expect(created.errors, JSON.stringify(created.errors)).toBeUndefined();
    const cartId = created.data!.createCart.id;

    // And of the variants (with their active product) through catalogue's events.
    const ADD = `mutation($id: ID!, $v: ID!, $q: Int!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: $q }) { ${CART} } }`;
    for (const [v, q] of [
      [mug, 2],
      [cup, 1],
    ] as const) {
      const added = await eventually(
        () => graphql(gateway(), ADD, { id: cartId, v, q }),
        "VALIDATION_FAILED",
      );
      expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    }

    const key = unique("checkout");
    const { checkoutCart: order } = await ok<{ checkoutCart: OrderRead }>(
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

    await ok(`mutation($id: ID!) { confirmOrder(id: $id) { id status } }`, { id: order.id });
    // Nothing of these variants is in stock: inventory reports a shortage and the checkout saga
    // cancels the order; cancelling it again then changes nothing.
    await orderUntil(order.id, (o) => o.status === "CANCELLED");
    await ok(`mutation($id: ID!) { cancelOrder(id: $id, reason: "journey") { id status } }`, {
      id: order.id,
    });

    const read = await ok<{
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
    const customerId = await registerCustomer(tag);
    const variant = await activeVariant(`${tag}-A`, 900);
    const created = await eventually(
      () =>
        graphql<{ createCart: { id: string } }>(
          gateway(),
          `mutation($c: ID!) { createCart(input: { customerId: $c }) { id } }`,
          { c: customerId },
        ),
      "VALIDATION_FAILED",
    );
    const cartId = created.data!.createCart.id;
    const added = await eventually(
      () =>
        graphql(
          gateway(),
          `mutation($id: ID!, $v: ID!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: 1 }) { id } }`,
          { id: cartId, v: variant },
        ),
      "VALIDATION_FAILED",
    );
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    await ok(
      `mutation($id: ID!) { suspendCustomer(id: $id, reason: "fraud check") { id status } }`,
      {
        id: customerId,
      },
    );

    // Wait until ordering has heard of the suspension: probe with a throwaway placement, which
    // is rejected once the view says SUSPENDED. Then the checkout must be rejected too.
    const CHECKOUT = `mutation($id: ID!, $key: String!) { checkoutCart(cartId: $id, idempotencyKey: $key) { id } }`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const probe = await graphql(
        gateway(),
        `mutation($c: ID!, $v: ID!) { placeOrder(input: { customerId: $c, lines: [{ variantId: $v, quantity: 1 }] }) { id } }`,
        { c: customerId, v: variant },
      );
      if (
        probe.errors?.[0]?.extensions?.code === "INVALID_STATE_TRANSITION" ||
        Date.now() > deadline
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const result = await graphql(gateway(), CHECKOUT, { id: cartId, key: unique("k") });
    expect(result.errors?.[0]?.extensions?.code).toBe("INVALID_STATE_TRANSITION");
    const cart = await ok<{ cart: { status: string } }>(
      `query($id: ID!) { cart(id: $id) { status } }`,
      { id: cartId },
    );
    expect(cart.cart.status).toBe("ACTIVE");
  });

  it("checkout saga: stock reserved → payment initiated → provider succeeds → PAID", async () => {
    const tag = unique("SAGA").toUpperCase();
    const customerId = await registerCustomer(tag);
    const variantId = await activeVariant(`${tag}-A`, 1500);
    const { createWarehouse } = await ok<{ createWarehouse: { id: string } }>(
      `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`,
      {
        input: {
          name: unique("Saga"),
          address: { street: "1 Main St", city: "Leeds", postalCode: "LS1 1AA", country: "GB" },
          capacity: 100,
          zones: ["REGULAR"],
        },
      },
    );
    const { initializeStock } = await ok<{ initializeStock: { id: string } }>(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
      { input: { variantId, warehouseId: createWarehouse.id } },
    );
    await ok(
      `mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: 5, reference: "PO") { onHand } }`,
      { id: initializeStock.id },
    );

    const placed = await eventually(
      () =>
        graphql<{ placeOrder: OrderRead }>(
          gateway(),
          `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER} } }`,
          { input: { customerId, lines: [{ variantId, quantity: 2 }] } },
        ),
      "VALIDATION_FAILED",
    );
    expect(placed.errors, JSON.stringify(placed.errors)).toBeUndefined();
    const order = placed.data!.placeOrder;
    const provider = inject("serviceUrls")["payment-provider"];
    const scripted = await fetch(`${provider}/script`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ orderId: order.id, outcomes: [{ outcome: "succeed" }] }),
    });
    expect(scripted.status).toBe(204);

    await ok(`mutation($id: ID!) { confirmOrder(id: $id) { id status } }`, { id: order.id });
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
