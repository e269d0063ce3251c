import { graphql, unique } from "./index.ts";
import { pollUntil } from "./kit.ts";
import { principalName, type TestPrincipal, tokens } from "./tokens.ts";

export { type PollOptions, pollUntil } from "./kit.ts";
export { type TestPrincipal, tokens } from "./tokens.ts";

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
 *
 * Every step runs as the principal that takes it in real life, signed in with a development
 * token of the stack's key (`tokens`, what `pnpm token` prints):
 *
 * - catalogue steps (`activeVariant`) as `catalogue_manager`, inventory steps (`createWarehouse`,
 *   `stock`) as `inventory_manager`; `availability` anonymously, as a shopper reads it;
 * - `registerCustomer(tag)` registers as the customer themself (subject `ext-<tag>`, their
 *   `externalId`) and remembers them, so `cartWith(customerId, …)` and `placeOrder(customerId, …)`
 *   run as that customer; a guest cart (`cartWith(null, …)`) is anonymous;
 * - `order`, `orders` and their `…Until` polls read as the order's owner when the order was
 *   placed here (`placeOrder`) or the test said whose it is (`ownedBy`), else as `fulfilment`
 *   (staff who read every order); `as` overrides.
 *
 * A test's own operations go through a bound client: `shop.as("fulfilment").ok(…)`,
 * `shop.asCustomer(customerId).send(…)`, `shop.as({ customer: externalId })`. The shop's own
 * `send`/`ok`/`sendWhile`/`okAfter` are anonymous (a caller without a token).
 */

/** One principal's way into the gateway: every operation carries its token. */
export interface ShopClient {
  /** Who this client is. */
  readonly principal: TestPrincipal;
  /**
   * One GraphQL operation, errors returned as they came. `headers` are extra request headers
   * (a guest cart's `x-cart-token`); the sign-in header is the client's own.
   */
  send<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** An operation that must succeed: its data, or an error listing what failed. */
  ok<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<T>;
  /** Sends again while the answer fails with `code` (an event on its way); the first other answer. */
  sendWhile<T>(
    code: string,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>>;
  /** `sendWhile`, then the operation must have succeeded: its data. */
  okAfter<T>(
    code: string,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<T>;
}

/** The staff role the shop reads orders with when it does not know their owner. */
export const ORDER_READER = "fulfilment" satisfies TestPrincipal;

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

/**
 * Options of the `…Until` reads: the deadline, what the timeout's message calls the wait, and
 * who reads (default: the order's owner when known, else `ORDER_READER`).
 */
export interface UntilOptions {
  timeoutMs?: number;
  what?: string;
  as?: TestPrincipal;
}

export function e2eShop(gatewayUrl: string, serviceUrls: Record<string, string>) {
  /** Each customer registered here: customerId → the externalId they sign in with. */
  const customers = new Map<string, string>();
  /** Each order placed here: orderId → its customer (who reads it by default). */
  const owners = new Map<string, string>();

  /** The data of a result that must have succeeded; throws with its errors otherwise. */
  const dataOf = <T>(query: string, result: GraphQLResult<T>, who: TestPrincipal): T => {
    if (result.errors || !result.data) {
      throw new Error(
        `${query.trim().slice(0, 80)}… as ${principalName(who)} failed: ${JSON.stringify(result.errors)}`,
      );
    }
    return result.data;
  };

  /** A client whose every operation runs as `principal`. */
  function as(principal: TestPrincipal): ShopClient {
    type Vars = Record<string, unknown>;
    type Headers = Record<string, string>;
    /*
     * As the README tells clients to: an answer refused only as retryable (every error
     * SERVICE_UNAVAILABLE, nothing done — a burst beyond the pools on a busy machine) is sent
     * again after its `retryAfterSeconds`, for up to 30 s, plus up to as much again at random:
     * fifty buyers refused together and retrying exactly a second later meet the same full pool
     * again (seen on a machine loaded by four suites). Tests of the refusal itself call `graphql`
     * directly.
     */
    const send = async <T>(query: string, variables: Vars = {}, headers: Headers = {}) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const result = (await graphql<T>(gatewayUrl, query, variables, {
          ...headers,
          ...(await tokens.headers(principal)),
        })) as GraphQLResult<T>;
        const retryAfter = retryableRefusal(result);
        if (retryAfter === null) return result;
        const wait = retryAfter * (1 + Math.random());
        if (Date.now() + wait > deadline) return result;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    };
    const ok = async <T>(query: string, variables: Vars = {}, headers: Headers = {}): Promise<T> =>
      dataOf(query, await send<T>(query, variables, headers), principal);
    /*
     * Ordering and inventory learn of customers and variants through identity's and catalogue's
     * events: an operation that depends on one still on its way is sent again.
     */
    const sendWhile = <T>(
      code: string,
      query: string,
      variables: Vars = {},
      headers: Headers = {},
    ) =>
      pollUntil(
        `${query.trim().slice(0, 60)}… to stop failing with ${code}`,
        () => send<T>(query, variables, headers),
        (result) => errorCode(result) !== code,
        { intervalMs: 200 },
      );
    const okAfter = async <T>(
      code: string,
      query: string,
      variables: Vars = {},
      headers: Headers = {},
    ): Promise<T> => dataOf(query, await sendWhile<T>(code, query, variables, headers), principal);
    return { principal, send, ok, sendWhile, okAfter };
  }

  /** The principal of a customer registered through this shop: themself. */
  function customer(customerId: string): TestPrincipal {
    const externalId = customers.get(customerId.toLowerCase());
    if (externalId === undefined) {
      throw new Error(
        `customer ${customerId} was not registered through this shop: use as({ customer: externalId })`,
      );
    }
    return { customer: externalId };
  }

  /** A client acting as a customer registered through this shop (`registerCustomer`). */
  const asCustomer = (customerId: string): ShopClient => as(customer(customerId));

  /** Who reads an order by default: its owner when placed here, else staff who read every order. */
  const readerOf = (orderId: string): TestPrincipal => {
    const owner = owners.get(orderId);
    return owner === undefined ? ORDER_READER : customer(owner);
  };

  /**
   * Tells the shop whose order `orderId` is (one a test placed or checked out with its own
   * call), so that `order` and the `…Until` polls read it as its customer.
   */
  function ownedBy<T extends string>(orderId: T, customerId: string): T {
    customer(customerId);
    owners.set(orderId, customerId);
    return orderId;
  }

  /** A client acting as the customer whose order `orderId` is (`placeOrder`, `ownedBy`). */
  function asOwnerOf(orderId: string): ShopClient {
    const owner = owners.get(orderId);
    if (owner === undefined) throw new Error(`the shop does not know whose order ${orderId} is`);
    return asCustomer(owner);
  }

  const anonymous = as("anonymous");
  const { send, ok, sendWhile, okAfter } = anonymous;
  const catalogue = as("catalogue_manager");
  const inventory = as("inventory_manager");

  /**
   * Registers an ACTIVE customer, as the customer themself (signed in with subject
   * `ext-<tag>`, their `externalId`); the email is `<tag in lower case>@example.com`. The shop
   * remembers them: later steps for this customer id run as them.
   */
  async function registerCustomer(tag = unique("cust")): Promise<string> {
    const externalId = `ext-${tag}`;
    const { registerCustomer } = await as({ customer: externalId }).ok<{
      registerCustomer: { id: string };
    }>(`mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }`, {
      input: {
        externalId,
        email: `${tag.toLowerCase()}@example.com`,
        firstName: "Ada",
        lastName: "Lovelace",
      },
    });
    customers.set(registerCustomer.id.toLowerCase(), externalId);
    return registerCustomer.id;
  }

  /**
   * An ACTIVE product (SKU `sku`, so it can be ordered) with one variant (`<sku>-V`) priced
   * `amount` minor units; its variant id, made by the catalogue manager. Ordering hears of it
   * through catalogue's events.
   */
  async function activeVariant(sku: string, amount: number, currency = "EUR"): Promise<string> {
    const { createProduct } = await catalogue.ok<{ createProduct: { id: string } }>(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { sku, title: `Product ${sku}` } },
    );
    const { addProductVariant } = await catalogue.ok<{ addProductVariant: { id: string } }>(
      `mutation($id: ID!, $input: AddProductVariantInput!) { addProductVariant(productId: $id, input: $input) { id } }`,
      { id: createProduct.id, input: { variantSku: `${sku}-V`, price: { amount, currency } } },
    );
    await catalogue.ok(`mutation($id: ID!) { activateProduct(id: $id) { id } }`, {
      id: createProduct.id,
    });
    return addProductVariant.id;
  }

  /** A new active warehouse of the test's own (made by the inventory manager); its id. */
  async function createWarehouse(name = unique("wh")): Promise<string> {
    const { createWarehouse } = await inventory.ok<{ createWarehouse: { id: string } }>(
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
    const { initializeStock } = await inventory.ok<{ initializeStock: { id: string } }>(
      `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
      { input: { variantId, warehouseId: warehouse } },
    );
    if (quantity > 0) {
      await inventory.ok(
        `mutation($id: ID!, $q: Int!) { receiveStock(stockItemId: $id, quantity: $q, reference: "PO") { id } }`,
        { id: initializeStock.id, q: quantity },
      );
    }
    return { stockItemId: initializeStock.id, warehouseId: warehouse };
  }

  /**
   * The variant's stock over all active warehouses (`ProductVariant.availability`), read
   * anonymously as a shopper reads it.
   */
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
   * A cart holding `items` — a customer's (made by that customer), or a guest's when
   * `customerId` is null (made anonymously) — once ordering knows the customer and the variants.
   */
  async function cartWith(
    customerId: string | null,
    items: { variantId: string; quantity: number }[],
  ): Promise<string> {
    const shopper = customerId === null ? anonymous : asCustomer(customerId);
    const { createCart } = await shopper.okAfter<{
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
      await shopper.okAfter(
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
   * Places an order (CREATED) as the customer, once ordering knows the customer and the
   * variants, and returns it read with `selection` (which includes `id` for the shop to remember
   * the order's owner).
   */
  async function placeOrder<T = { id: string }>(
    customerId: string,
    lines: { variantId: string; quantity: number }[],
    selection = "id",
  ): Promise<T> {
    const { placeOrder } = await asCustomer(customerId).okAfter<{ placeOrder: T }>(
      "VALIDATION_FAILED",
      `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${selection} } }`,
      { input: { customerId, lines } },
    );
    const id = (placeOrder as { id?: unknown }).id;
    if (typeof id === "string") owners.set(id, customerId);
    return placeOrder;
  }

  /** Reads an order with `selection`, as its owner when known (else `ORDER_READER`) or `who`. */
  async function order<T>(id: string, selection: string, who = readerOf(id)): Promise<T> {
    const { order } = await as(who).ok<{ order: T }>(
      `query($id: ID!) { order(id: $id) { ${selection} } }`,
      { id },
    );
    return order;
  }

  /**
   * Reads several orders in one request (one aliased field each), in the order of `ids`: as
   * their owner when one customer placed them all here, else as `ORDER_READER`, or as `who`.
   */
  async function orders<T>(ids: string[], selection: string, who?: TestPrincipal): Promise<T[]> {
    if (ids.length === 0) return [];
    const ownersOf = new Set(ids.map((id) => owners.get(id)));
    const [only] = ownersOf;
    const reader =
      who ?? (ownersOf.size === 1 && only !== undefined ? customer(only) : ORDER_READER);
    const params = ids.map((_, i) => `$id${i}: ID!`).join(", ");
    const fields = ids.map((_, i) => `o${i}: order(id: $id${i}) { ${selection} }`).join("\n");
    const data = await as(reader).ok<Record<string, T>>(
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
    { timeoutMs, what, as: who }: UntilOptions = {},
  ): Promise<T> =>
    pollUntil(
      what ? `order ${id}: ${what}` : `order ${id}`,
      () => order<T>(id, selection, who),
      done,
      { timeoutMs },
    );

  /**
   * Polls several orders with one request per round until `done` holds for every one of them;
   * cheaper on the stack than polling each order on its own while it is busy with them. A
   * timeout shows only the orders not done.
   */
  const ordersUntil = <T>(
    ids: string[],
    selection: string,
    done: (order: T) => boolean,
    { timeoutMs = 30_000, what = `${ids.length} orders`, as: who }: UntilOptions = {},
  ): Promise<T[]> =>
    pollUntil(
      what,
      () => orders<T>(ids, selection, who),
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
    as,
    asCustomer,
    customer,
    ownedBy,
    asOwnerOf,
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

/**
 * How long to wait before sending again when `result` is a retryable refusal (no data, every
 * error SERVICE_UNAVAILABLE), in ms; null for any other answer.
 */
function retryableRefusal(result: GraphQLResult<unknown>): number | null {
  const { data, errors } = result;
  if (!errors || errors.length === 0) return null;
  if (data && Object.values(data).some((v) => v !== null)) return null;
  if (!errors.every((e) => e.extensions?.code === "SERVICE_UNAVAILABLE")) return null;
  const seconds = Math.max(1, ...errors.map((e) => Number(e.extensions?.retryAfterSeconds) || 0));
  return seconds * 1000;
}
