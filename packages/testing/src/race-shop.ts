import { graphql, unique } from "./index.ts";

/**
 * The shop's end-to-end test vocabulary: the few steps most e2e tests need (a customer, an active
 * variant, stock, an order that ordering can price, the simulated provider's script, polling an
 * order until the saga moved it), all through the running stack's public interfaces — the
 * gateway and the provider's test hooks. No vitest import here, so it can live in
 * @shopstream/testing (which the global setups load too); failures throw.
 *
 *   const shop = new E2eShop(inject("gatewayUrl"), inject("serviceUrls"));
 */

export type GraphQLErrors = { message: string; extensions?: Record<string, unknown> }[];
export interface GraphQLResult<T> {
  data?: T;
  errors?: GraphQLErrors;
}

/** The `extensions.code` of a result's first error, if any. */
export const errorCode = (result: { errors?: GraphQLErrors }): string | undefined =>
  result.errors?.[0]?.extensions?.code as string | undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `probe` until it returns something truthy, and returns that; throws naming `what` after
 * `timeoutMs`. For effects that travel through the event pipeline: poll with a deadline, never
 * sleep a fixed time.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(opts.intervalMs ?? 150);
  }
}

/**
 * Repeats `attempt` while it fails with `code` — a view fed by events (ordering's customers and
 * prices) has not caught up yet — and returns the first other result, or the last one at the
 * deadline.
 */
export async function retryWhileCode<T>(
  attempt: () => Promise<GraphQLResult<T>>,
  code: string,
  timeoutMs = 20_000,
): Promise<GraphQLResult<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (errorCode(result) !== code || Date.now() > deadline) return result;
    await sleep(200);
  }
}

export interface PaymentOutcome {
  outcome: "succeed" | "fail";
  reason?: string;
  /** Keep the provider's report until `release` (see packages/payment-provider). */
  hold?: boolean;
}

/** A provider report kept back by a `hold` outcome: the webhook body it will send. */
export interface HeldReport {
  id: string;
  type: "payment.succeeded" | "payment.failed";
  paymentId: string;
  attempt: number;
  reason?: string;
}

export class E2eShop {
  constructor(
    readonly gatewayUrl: string,
    readonly serviceUrls: Record<string, string>,
  ) {}

  /** One GraphQL operation through the gateway, errors returned as they came. */
  query<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
    return graphql<T>(this.gatewayUrl, query, variables);
  }

  /** One GraphQL operation that must succeed: its data, or an error listing what failed. */
  async ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.query<T>(query, variables);
    if (result.errors || !result.data) {
      throw new Error(`GraphQL failed: ${JSON.stringify(result.errors)}\n${query}`);
    }
    return result.data;
  }

  /** Registers an ACTIVE customer; the email is `<tag in lower case>@example.com`. */
  async registerCustomer(tag = unique("cust")): Promise<string> {
    const { registerCustomer } = await this.ok<{ registerCustomer: { id: string } }>(
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
   * An ACTIVE product (SKU `sku`) with one variant (`<sku>-V`) priced `amount` minor units; its
   * variant id. Ordering hears of it through catalogue's events (see `placeOrder`).
   */
  async activeVariant(sku: string, amount: number, currency = "EUR"): Promise<string> {
    const { createProduct } = await this.ok<{ createProduct: { id: string } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { sku, title: `Product ${sku}` } },
    );
    const { addProductVariant } = await this.ok<{ addProductVariant: { id: string } }>(
      `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
      { id: createProduct.id, input: { variantSku: `${sku}-V`, price: { amount, currency } } },
    );
    await this.ok(`mutation($id: ID!) { activateProduct(id: $id) { id } }`, {
      id: createProduct.id,
    });
    return addProductVariant.id;
  }

  /** A new active warehouse of the test's own. */
  async createWarehouse(name = unique("Warehouse")): Promise<string> {
    const { createWarehouse } = await this.ok<{ createWarehouse: { id: string } }>(
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
   * A stock item of `variantId` holding `onHand` units, in `warehouseId` or in a new warehouse
   * (the variant's own item in the default warehouse, made by inventory's reaction, stays at 0).
   */
  async stockItem(variantId: string, onHand: number, warehouseId?: string): Promise<string> {
    const { initializeStock } = await this.ok<{ initializeStock: { id: string } }>(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
      { input: { variantId, warehouseId: warehouseId ?? (await this.createWarehouse()) } },
    );
    if (onHand > 0) {
      await this.ok(
        `mutation($id: ID!, $q: Int!) { receiveStock(stockItemId: $id, quantity: $q, reference: "PO") { id } }`,
        { id: initializeStock.id, q: onHand },
      );
    }
    return initializeStock.id;
  }

  /**
   * Places an order in CREATED and returns it with `selection`. Retries while ordering has not
   * yet heard of the customer or the variants (VALIDATION_FAILED) through their events.
   */
  async placeOrder<T = { id: string }>(
    customerId: string,
    lines: { variantId: string; quantity: number }[],
    selection = "id",
  ): Promise<T> {
    const placed = await retryWhileCode(
      () =>
        this.query<{ placeOrder: T }>(
          `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${selection} } }`,
          { input: { customerId, lines } },
        ),
      "VALIDATION_FAILED",
    );
    if (placed.errors || !placed.data) {
      throw new Error(`placeOrder failed: ${JSON.stringify(placed.errors)}`);
    }
    return placed.data.placeOrder;
  }

  /** Reads an order with `selection`. */
  async order<T>(id: string, selection: string): Promise<T> {
    const { order } = await this.ok<{ order: T }>(
      `query($id: ID!) { order(id: $id) { ${selection} } }`,
      { id },
    );
    return order;
  }

  /** Reads several orders in one request (one aliased field each), in the order of `ids`. */
  async orders<T>(ids: string[], selection: string): Promise<T[]> {
    if (ids.length === 0) return [];
    const params = ids.map((_, i) => `$id${i}: ID!`).join(", ");
    const fields = ids.map((_, i) => `o${i}: order(id: $id${i}) { ${selection} }`).join("\n");
    const data = await this.ok<Record<string, T>>(
      `query(${params}) { ${fields} }`,
      Object.fromEntries(ids.map((id, i) => [`id${i}`, id])),
    );
    return ids.map((_, i) => data[`o${i}`] as T);
  }

  /**
   * Polls several orders with one request per round until `done` holds for every one of them;
   * cheaper on the stack than polling each order on its own while it is busy with them.
   */
  async ordersUntil<T>(
    ids: string[],
    done: (order: T) => boolean,
    selection: string,
    timeoutMs = 30_000,
  ): Promise<T[]> {
    let last: T[] = [];
    try {
      return await pollUntil(
        `${ids.length} orders`,
        async () => {
          last = await this.orders<T>(ids, selection);
          return last.every(done) ? last : null;
        },
        { timeoutMs, intervalMs: 250 },
      );
    } catch (error) {
      const stuck = last.filter((o) => !done(o));
      throw new Error(`${(error as Error).message}; not done: ${JSON.stringify(stuck)}`);
    }
  }

  /** Polls the order (read with `selection`) until `done` holds: the saga's events are on their way. */
  orderUntil<T extends { status: string }>(
    id: string,
    done: (order: T) => boolean,
    selection: string,
    timeoutMs = 20_000,
  ): Promise<T> {
    let last: T | undefined;
    return pollUntil(
      `order ${id}`,
      async () => {
        last = await this.order<T>(id, selection);
        return done(last) ? last : null;
      },
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${JSON.stringify(last)}`);
    });
  }

  private async provider(path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.serviceUrls["payment-provider"]}${path}`, {
      method: body === undefined ? "GET" : "POST",
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
  }

  /** The simulated provider decides the next charges of this order's payments as scripted. */
  async scriptPayment(orderId: string, outcomes: PaymentOutcome[]): Promise<void> {
    const res = await this.provider("/script", { orderId, outcomes });
    if (res.status !== 204) throw new Error(`provider /script answered ${res.status}`);
  }

  /** The provider reports held back for this order's payments (`hold` outcomes). */
  async heldReports(orderId: string): Promise<HeldReport[]> {
    const res = await this.provider(`/held?orderId=${encodeURIComponent(orderId)}`);
    if (!res.ok) throw new Error(`provider /held answered ${res.status}`);
    return ((await res.json()) as { held: HeldReport[] }).held;
  }

  /**
   * Sends the reports held for this order's payments now; resolves once payments answered the
   * first attempt of each, with those statuses.
   */
  async releaseReports(orderId: string): Promise<number[]> {
    const res = await this.provider("/release", { orderId });
    if (res.status !== 200) throw new Error(`provider /release answered ${res.status}`);
    const body = (await res.json()) as { released: { status: number }[] };
    return body.released.map((r) => r.status);
  }
}
