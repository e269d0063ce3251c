import { graphql, unique } from "./index.ts";
import { pollUntil } from "./kit.ts";

export { type PollOptions, pollUntil } from "./kit.ts";

/**
 * The shop's end-to-end test vocabulary: the steps most e2e tests take (a customer, an active
 * variant, stock, a cart or an order that ordering can price, scripting the simulated payment
 * provider, polling an order until the saga moved it), all through the running stack's public
 * interfaces — the gateway and the provider's test hooks. Events travel through the workers, so a
 * test polls with a deadline for their effect instead of sleeping. No vitest import here, so it
 * can live in @shopstream/testing (which the global setups load too); failures throw.
 *
 *   const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
 *
 * The methods are closures, so they may be taken apart: `const { ok } = shop`.
 */

export interface GraphQLResultError {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: GraphQLResultError[];
}

/** The `extensions.code` of a result's first error, if it failed. */
export const errorCode = (result: { errors?: GraphQLResultError[] }): string | undefined =>
  result.errors?.[0]?.extensions?.code as string | undefined;

/** Whose charges a provider script, or a held report, is about. */
export type PaymentTarget = { orderId: string } | { paymentId: string };

/**
 * How the simulated provider ends one charge (packages/payment-provider, `Outcome`). `hold` keeps
 * its report back until `releaseReports`, so a test can send the webhook when it races something.
 */
export type PaymentOutcome = ({ outcome: "succeed" } | { outcome: "fail"; reason: string }) & {
  hold?: boolean;
};

/** A provider report kept back by a `hold` outcome: the webhook body it will send. */
export interface HeldReport {
  id: string;
  type: "payment.succeeded" | "payment.failed";
  paymentId: string;
  attempt: number;
  reason?: string;
}

export interface Availability {
  onHand: number;
  reserved: number;
  available: number;
}

/** Options of the `…Until` reads: the deadline, and what the timeout's message calls the wait. */
export interface UntilOptions {
  timeoutMs?: number;
  what?: string;
}

export function e2eShop(gatewayUrl: string, serviceUrls: Record<string, string>) {
  /** One GraphQL operation through the gateway, errors returned as they came. */
  const send = <T>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) => graphql<T>(gatewayUrl, query, variables, headers) as Promise<GraphQLResult<T>>;

  /** The data of a result that must have succeeded; throws with its errors otherwise. */
  const dataOf = <T>(query: string, result: GraphQLResult<T>): T => {
    if (result.errors || !result.data) {
      throw new Error(`${query.trim().slice(0, 80)}… failed: ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  };

  /** Runs an operation that must succeed: its data, or an error listing what failed. */
  const ok = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> =>
    dataOf(query, await send<T>(query, variables));

  /**
   * Runs an operation again while it fails with `code` — it depends on an event still on its
   * way (ordering learns of customers and variants through identity's and catalogue's events) —
   * and returns the first other result; throws if it still fails so at the deadline.
   */
  const sendWhile = <T>(
    code: string,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) =>
    pollUntil(
      `${query.trim().slice(0, 60)}… to stop failing with ${code}`,
      () => send<T>(query, variables, headers),
      (result) => errorCode(result) !== code,
      { intervalMs: 200 },
    );

  /** `sendWhile`, then the operation must have succeeded: its data. */
  const okAfter = async <T>(
    code: string,
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<T> => dataOf(query, await sendWhile<T>(code, query, variables, headers));

  /** Registers an ACTIVE customer; the email is `<tag in lower case>@example.com`. */
  async function registerCustomer(tag = unique("cust")): Promise<string> {
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

  /**
   * An ACTIVE product (SKU `sku`, so it can be ordered) with one variant (`<sku>-V`) priced
   * `amount` minor units; its variant id. Ordering hears of it through catalogue's events.
   */
  async function activeVariant(sku: string, amount: number, currency = "EUR"): Promise<string> {
    const { createProduct } = await ok<{ createProduct: { id: string } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { sku, title: `Product ${sku}` } },
    );
    const { addProductVariant } = await ok<{ addProductVariant: { id: string } }>(
      `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
      { id: createProduct.id, input: { variantSku: `${sku}-V`, price: { amount, currency } } },
    );
    await ok(`mutation($id: ID!) { activateProduct(id: $id) { id } }`, { id: createProduct.id });
    return addProductVariant.id;
  }

  /** A new active warehouse of the test's own; its id. */
  async function createWarehouse(name = unique("wh")): Promise<string> {
    const { createWarehouse } = await ok<{ createWarehouse: { id: string } }>(
      `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`,
      {
        input: {
          name,
          address: { street: "1 Main St", city: "Leeds", postalCode: "LS1 1AA", country: "GB" },
          zones: ["REGULAR"],
        },
      },
    );
    return createWarehouse.id;
  }

  /**
   * A stock item of `variantId` holding `quantity` units, in `warehouseId` or in a new warehouse
   * (the variant's own item in the default warehouse, made by inventory's reaction, stays at 0).
   */
  async function stock(
    variantId: string,
    quantity: number,
    warehouseId?: string,
  ): Promise<{ stockItemId: string; warehouseId: string }> {
    const warehouse = warehouseId ?? (await createWarehouse());
    const { initializeStock } = await ok<{ initializeStock: { id: string } }>(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
      { input: { variantId, warehouseId: warehouse } },
    );
    if (quantity > 0) {
      await ok(
        `mutation($id: ID!, $q: Int!) { receiveStock(stockItemId: $id, quantity: $q, reference: "PO") { id } }`,
        { id: initializeStock.id, q: quantity },
      );
    }
    return { stockItemId: initializeStock.id, warehouseId: warehouse };
  }

  /** The variant's stock over all active warehouses (`ProductVariant.availability`). */
  async function availability(variantId: string): Promise<Availability> {
    const { productVariant } = await ok<{ productVariant: { availability: Availability } }>(
      `query($id: ID!) { productVariant(id: $id) { availability { onHand reserved available } } }`,
      { id: variantId },
    );
    return productVariant.availability;
  }

  /** The tokens of the guest carts `cartWith(null, …)` made, by cart id. */
  const guestTokens = new Map<string, string>();

  /**
   * A cart holding `items` — a customer's, or a guest's when `customerId` is null — once ordering
   * knows the customer and the variants. A guest cart is reached with its token (`x-cart-token`),
   * which `guestCartToken(id)` gives back.
   */
  async function cartWith(
    customerId: string | null,
    items: { variantId: string; quantity: number }[],
  ): Promise<string> {
    const { createCart } = await okAfter<{
      createCart: { id: string; guestToken: string | null };
    }>(
      "VALIDATION_FAILED",
      `mutation($c: ID) { createCart(input: { customerId: $c }) { id guestToken } }`,
      { c: customerId },
    );
    const token = createCart.guestToken;
    if (token) guestTokens.set(createCart.id, token);
    const headers: Record<string, string> = token ? { "x-cart-token": token } : {};
    for (const item of items) {
      await okAfter(
        "VALIDATION_FAILED",
        `mutation($id: ID!, $v: ID!, $q: Int!) { addCartItem(cartId: $id, input: { variantId: $v, quantity: $q }) { id } }`,
        { id: createCart.id, v: item.variantId, q: item.quantity },
        headers,
      );
    }
    return createCart.id;
  }

  /** The token of a guest cart `cartWith(null, …)` made, to send as `x-cart-token`. */
  const guestCartToken = (cartId: string): string | undefined => guestTokens.get(cartId);

  /**
   * Places an order (CREATED) once ordering knows the customer and the variants, and returns it
   * read with `selection`.
   */
  async function placeOrder<T = { id: string }>(
    customerId: string,
    lines: { variantId: string; quantity: number }[],
    selection = "id",
  ): Promise<T> {
    const { placeOrder } = await okAfter<{ placeOrder: T }>(
      "VALIDATION_FAILED",
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${selection} } }`,
      { input: { customerId, lines } },
    );
    return placeOrder;
  }

  /** Reads an order with `selection`. */
  async function order<T>(id: string, selection: string): Promise<T> {
    const { order } = await ok<{ order: T }>(
      `query($id: ID!) { order(id: $id) { ${selection} } }`,
      { id },
    );
    return order;
  }

  /** Reads several orders in one request (one aliased field each), in the order of `ids`. */
  async function orders<T>(ids: string[], selection: string): Promise<T[]> {
    if (ids.length === 0) return [];
    const params = ids.map((_, i) => `$id${i}: ID!`).join(", ");
    const fields = ids.map((_, i) => `o${i}: order(id: $id${i}) { ${selection} }`).join("\n");
    const data = await ok<Record<string, T>>(
      `query(${params}) { ${fields} }`,
      Object.fromEntries(ids.map((id, i) => [`id${i}`, id])),
    );
    return ids.map((_, i) => data[`o${i}`] as T);
  }

  /** Polls the order (read with `selection`) until `done` holds: the saga's events are on their way. */
  const orderUntil = <T>(
    id: string,
    selection: string,
    done: (order: T) => boolean,
    { timeoutMs, what }: UntilOptions = {},
  ): Promise<T> =>
    pollUntil(what ? `order ${id}: ${what}` : `order ${id}`, () => order<T>(id, selection), done, {
      timeoutMs,
    });

  /**
   * Polls several orders with one request per round until `done` holds for every one of them;
   * cheaper on the stack than polling each order on its own while it is busy with them. A
   * timeout shows only the orders not done.
   */
  const ordersUntil = <T>(
    ids: string[],
    selection: string,
    done: (order: T) => boolean,
    { timeoutMs = 30_000, what = `${ids.length} orders` }: UntilOptions = {},
  ): Promise<T[]> =>
    pollUntil(
      what,
      () => orders<T>(ids, selection),
      (os) => os.every(done),
      {
        timeoutMs,
        intervalMs: 250,
        show: (os) => `not done: ${JSON.stringify(os.filter((o) => !done(o)))}`,
      },
    );

  /** A request to the simulated provider's test hooks: GET without a body, else POST. */
  const provider = (path: string, body?: unknown): Promise<Response> =>
    fetch(`${serviceUrls["payment-provider"]}${path}`, {
      method: body === undefined ? "GET" : "POST",
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });

  /** Scripts the simulated provider: the next charges of the order (or payment) end like this. */
  async function scriptPayment(target: PaymentTarget, outcomes: PaymentOutcome[]): Promise<void> {
    const res = await provider("/script", { ...target, outcomes });
    if (res.status !== 204) throw new Error(`provider /script answered ${res.status}`);
  }

  /** The provider reports held back (`hold` outcomes) for the order's (or payment's) charges. */
  async function heldReports(target: PaymentTarget): Promise<HeldReport[]> {
    const res = await provider(`/held?${new URLSearchParams(target)}`);
    if (!res.ok) throw new Error(`provider /held answered ${res.status}`);
    return ((await res.json()) as { held: HeldReport[] }).held;
  }

  /**
   * Sends the reports held for the order's (or payment's) charges now; resolves once payments
   * answered the first attempt of each, with those HTTP statuses.
   */
  async function releaseReports(target: PaymentTarget): Promise<number[]> {
    const res = await provider("/release", target);
    if (res.status !== 200) throw new Error(`provider /release answered ${res.status}`);
    const body = (await res.json()) as { released: { status: number }[] };
    return body.released.map((r) => r.status);
  }

  return {
    send,
    ok,
    sendWhile,
    okAfter,
    registerCustomer,
    activeVariant,
    createWarehouse,
    stock,
    availability,
    cartWith,
    guestCartToken,
    placeOrder,
    order,
    orders,
    orderUntil,
    ordersUntil,
    scriptPayment,
    heldReports,
    releaseReports,
  };
}

export type E2eShop = ReturnType<typeof e2eShop>;
