import { graphql, unique } from "./index.ts";

/**
 * Helpers for end-to-end journeys through the gateway of the running e2e stack: a client bound to
 * the gateway, polling with a deadline (events travel through the workers, so a test waits for
 * their effect instead of sleeping), and the set-up most shopping journeys start with. Bind it
 * once per file: `const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"))`.
 */

export interface GraphqlError {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface GraphqlResult<T> {
  data?: T | null;
  errors?: GraphqlError[];
}

/** The `extensions.code` of a result's first error, if it failed. */
export const errorCode = (result: { errors?: GraphqlError[] }): string | undefined =>
  result.errors?.[0]?.extensions?.code as string | undefined;

/**
 * Reads until `done` holds and returns that value; after `timeoutMs` it throws with the last value
 * read, so a stuck journey says where it stopped.
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last read: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type ProviderOutcome = { outcome: "succeed" } | { outcome: "fail"; reason: string };

export interface Availability {
  onHand: number;
  reserved: number;
  available: number;
}

export function e2eShop(gatewayUrl: string, serviceUrls: Record<string, string>) {
  const send = <T>(query: string, variables: Record<string, unknown> = {}) =>
    graphql<T>(gatewayUrl, query, variables) as Promise<GraphqlResult<T>>;

  /** Runs an operation that must succeed; throws with its errors otherwise. */
  async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await send<T>(query, variables);
    if (result.errors) {
      throw new Error(`${query.trim().slice(0, 80)}… failed: ${JSON.stringify(result.errors)}`);
    }
    return result.data as T;
  }

  /**
   * Runs an operation until it stops failing with `code` — it depends on an event still on its
   * way (ordering learns of customers and variants through identity's and catalogue's events) —
   * then requires success.
   */
  async function okOnce<T>(
    code: string,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const result = await pollUntil(
      `${query.trim().slice(0, 60)}… to stop failing with ${code}`,
      () => send<T>(query, variables),
      (r) => errorCode(r) !== code,
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data as T;
  }

  async function registerCustomer(tag: string): Promise<string> {
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

  /** A variant of a new ACTIVE product (so it can be ordered), priced `amount` EUR. */
  async function activeVariant(sku: string, amount: number): Promise<string> {
    const { createProduct } = await ok<{ createProduct: { id: string } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { sku, title: `Mug ${sku}` } },
    );
    const { addProductVariant } = await ok<{ addProductVariant: { id: string } }>(
      `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
      {
        id: createProduct.id,
        input: { variantSku: `${sku}-V`, price: { amount, currency: "EUR" } },
      },
    );
    await ok(`mutation($id: ID!) { activateProduct(id: $id) { id } }`, { id: createProduct.id });
    return addProductVariant.id;
  }

  /**
   * `quantity` units of the variant in a warehouse of the caller's own (the workers give every
   * new variant an empty stock item in the default warehouse; this one holds the stock).
   */
  async function stock(
    variantId: string,
    quantity: number,
  ): Promise<{ stockItemId: string; warehouseId: string }> {
    const { createWarehouse } = await ok<{ createWarehouse: { id: string } }>(
      `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`,
      {
        input: {
          name: unique("wh"),
          address: { street: "1 Main St", city: "Leeds", postalCode: "LS1 1AA", country: "GB" },
          capacity: 1_000,
          zones: ["REGULAR"],
        },
      },
    );
    const { initializeStock } = await ok<{ initializeStock: { id: string } }>(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
      { input: { variantId, warehouseId: createWarehouse.id } },
    );
    if (quantity > 0) {
      await ok(
        `mutation($id: ID!, $q: Int!) { receiveStock(stockItemId: $id, quantity: $q, reference: "PO") { id } }`,
        { id: initializeStock.id, q: quantity },
      );
    }
    return { stockItemId: initializeStock.id, warehouseId: createWarehouse.id };
  }

  /** The variant's stock over all active warehouses (`ProductVariant.availability`). */
  async function availability(variantId: string): Promise<Availability> {
    const { productVariant } = await ok<{ productVariant: { availability: Availability } }>(
      `query($id: ID!) { productVariant(id: $id) { availability { onHand reserved available } } }`,
      { id: variantId },
    );
    return productVariant.availability;
  }

  /**
   * A cart holding `items` — a customer's, or a guest's when `customerId` is null — once ordering
   * knows the customer and the variants.
   */
  async function cartWith(
    customerId: string | null,
    items: { variantId: string; quantity: number }[],
  ): Promise<string> {
    const { createCart } = await okOnce<{ createCart: { id: string } }>(
      "VALIDATION_FAILED",
      `mutation($c: ID) { createCart(input: { customerId: $c }) { id } }`,
      { c: customerId },
    );
    for (const item of items) {
      await okOnce(
        "VALIDATION_FAILED",
        `mutation($id: ID!, $v: ID!, $q: Int!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: $q }) { id } }`,
        { id: createCart.id, v: item.variantId, q: item.quantity },
      );
    }
    return createCart.id;
  }

  /** Scripts the simulated provider: the next charges of the order (or payment) end like this. */
  async function scriptPayment(
    target: { orderId: string } | { paymentId: string },
    outcomes: ProviderOutcome[],
  ): Promise<void> {
    const res = await fetch(`${serviceUrls["payment-provider"]}/script`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...target, outcomes }),
    });
    if (res.status !== 204) throw new Error(`provider script answered ${res.status}`);
  }

  return {
    send,
    ok,
    okOnce,
    registerCustomer,
    activeVariant,
    stock,
    availability,
    cartWith,
    scriptPayment,
  };
}

export type E2eShop = ReturnType<typeof e2eShop>;
