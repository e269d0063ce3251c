import type { ApplyOutcome } from "@shopstream/events";
import { type DomainEvent, newId } from "@shopstream/outbox";
import { actorOf, createLogger, type Principal } from "@shopstream/service";
import { TEST_ADMIN, testDatabaseUrl } from "@shopstream/testing";
import { deliverEvent } from "@shopstream/testing/kit";
import { afterAll, beforeAll, expect } from "vitest";
import { createContext } from "../src/context.ts";
import { createCustomerViewConsumer } from "../src/customers/customer-view.consumer.ts";
import { createOrderingPrisma } from "../src/db.ts";
import { createPriceViewConsumer } from "../src/pricing/price-view.consumer.ts";
import { createServer } from "../src/server.ts";

/** Shared set-up of ordering's integration tests: a real database, the in-process server. */
export const prisma = createOrderingPrisma(testDatabaseUrl("ordering"), { poolSize: 20 });
export const server = createServer(createLogger("ordering-test", "error"));
export const customers = createCustomerViewConsumer(prisma);
export const prices = createPriceViewConsumer(prisma);

/** Starts the in-process server before the file's tests; stops it and the pool after them. */
export function useServer(): void {
  beforeAll(() => server.start());
  afterAll(async () => {
    await server.stop();
    await prisma.$disconnect();
  });
}

export interface GqlError {
  message: string;
  extensions?: { code?: string; fields?: { field: string; message: string }[] };
}
export interface Result<T> {
  data?: T | null;
  errors?: GqlError[];
}

export async function gql<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Result<T>> {
  return gqlAs<T>({ principal: TEST_ADMIN }, query, variables);
}

/** Who calls in `gqlAs`: a principal and, for a guest cart, the `x-cart-token` sent. */
export interface Caller {
  principal: Principal;
  cartToken?: string | null;
}

/** An operation run as `caller` (the policy table applies to them), errors as they came. */
export async function gqlAs<T = Record<string, unknown>>(
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Result<T>> {
  const res = await server.executeOperation(
    { query, variables },
    {
      contextValue: createContext(prisma, {
        correlationId: "test",
        principal: caller.principal,
        actor: actorOf(caller.principal),
        cartToken: caller.cartToken ?? null,
      }),
    },
  );
  if (res.body.kind !== "single") throw new Error("expected a single result");
  return res.body.singleResult as Result<T>;
}

/** Runs an operation that must succeed and returns its only root field. */
export async function ok<T = Record<string, unknown>>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await gql<Record<string, T>>(query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return Object.values(res.data ?? {})[0] as T;
}

/** Runs an operation that must fail with `code`; returns the error. */
export async function fails(
  code: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlError> {
  const res = await gql(query, variables);
  expect(res.errors?.[0]?.extensions?.code, JSON.stringify(res.errors)).toBe(code);
  return res.errors![0]!;
}

export const fieldsOf = (e: GqlError) => e.extensions?.fields?.map((f) => f.field) ?? [];

/** The code of a result's first error, or null when it succeeded (for tallies of races). */
export const codeOfResult = (r: Result<unknown>) => r.errors?.[0]?.extensions?.code ?? null;

const meta = { correlationId: "t", causationId: null, idempotencyKey: null, actor: "t" };
export const event = (
  aggregateType: string,
  aggregateId: string,
  type: string,
  version: number,
  payload: unknown,
): DomainEvent => ({
  id: newId(),
  type,
  schemaVersion: 1,
  aggregateType,
  aggregateId,
  aggregateVersion: version,
  occurredAt: new Date().toISOString(),
  payload,
  metadata: meta,
});

const versions = new Map<string, number>();

/**
 * The next event of another context's aggregate, numbered as its outbox numbers them (1, 2, 3 …
 * per aggregate), so that it passes the consumer's per-aggregate ordering when delivered.
 */
export function nextEvent(
  aggregateType: string,
  aggregateId: string,
  type: string,
  payload: unknown,
): DomainEvent {
  const key = `${aggregateType}:${aggregateId}`;
  const version = (versions.get(key) ?? 0) + 1;
  versions.set(key, version);
  return event(aggregateType, aggregateId, type, version, payload);
}

/** Delivers an identity event to ordering's customer-view consumer, as the workers do. */
export const applyCustomerEvent = (e: DomainEvent): Promise<ApplyOutcome> =>
  deliverEvent(customers, e);

/** A customer known to ordering (registered, then suspended/closed/upgraded as asked). */
export async function seedCustomer(
  opts: { tier?: string; status?: "ACTIVE" | "SUSPENDED" | "CLOSED" } = {},
): Promise<string> {
  const customerId = newId();
  const deliver = async (type: string, payload: Record<string, unknown>) =>
    expect(await applyCustomerEvent(nextEvent("Customer", customerId, type, payload))).toBe(
      "applied",
    );
  await deliver("CustomerRegistered", {
    customerId,
    tier: opts.tier ?? "STANDARD",
    status: "ACTIVE",
  });
  if (opts.status === "SUSPENDED") await deliver("CustomerSuspended", { status: "SUSPENDED" });
  else if (opts.status === "CLOSED") await deliver("CustomerClosed", { status: "CLOSED" });
  return customerId;
}

/** An orderable variant in ordering's price view (its product ACTIVE). */
export async function seedVariant(
  amount: number,
  opts: {
    currency?: string;
    tierPrices?: { tier: string; amount: number }[];
    status?: string;
  } = {},
): Promise<string> {
  const productId = newId();
  const variantId = newId();
  const added = nextEvent("ProductVariant", variantId, "ProductVariantAdded", {
    variantId,
    productId,
    variantSku: `SKU-${variantId.slice(-8)}`,
    price: { amount, currency: opts.currency ?? "EUR" },
    tierPrices: opts.tierPrices ?? [],
    productStatus: opts.status ?? "ACTIVE",
  });
  expect(await deliverEvent(prices, added)).toBe("applied");
  return variantId;
}

export const ORDER_FIELDS = `id status version idempotencyKey
  customer { id }
  lines { id quantity variant { id } unitPrice { amount currency } discount { amount } lineTotal { amount } }
  subtotal { amount currency } discount { amount } grandTotal { amount }
  coupon { code amount { amount } }
  shipments { id lines { lineId quantity } }
  timeline { type version payload }
  checkout { status steps { name detail } }`;

export const CART_FIELDS = `id status version couponCode customer { id }
  lines { variant { id } quantity } order { id status } mergedInto { id }`;

export interface OrderView {
  id: string;
  status: string;
  version: number;
  idempotencyKey: string | null;
  customer: { id: string };
  lines: {
    id: string;
    quantity: number;
    variant: { id: string };
    unitPrice: { amount: number; currency: string };
    discount: { amount: number };
    lineTotal: { amount: number };
  }[];
  subtotal: { amount: number; currency: string };
  discount: { amount: number };
  grandTotal: { amount: number };
  coupon: { code: string; amount: { amount: number } } | null;
  shipments: { id: string; lines: { lineId: string; quantity: number }[] }[];
  timeline: { type: string; version: number; payload: Record<string, unknown> }[];
  checkout: { status: string; steps: { name: string; detail: string | null }[] };
}

export interface CartView {
  id: string;
  status: string;
  version: number;
  couponCode: string | null;
  customer: { id: string } | null;
  lines: { variant: { id: string }; quantity: number }[];
  order: { id: string; status: string } | null;
  mergedInto: { id: string } | null;
}

export const PLACE_ORDER = `mutation($key: String, $input: PlaceOrderInput!) {
  placeOrder(idempotencyKey: $key, input: $input) { ${ORDER_FIELDS} } }`;

/** Places an order through the API (it must succeed). */
export const placeOrder = (input: Record<string, unknown>, key?: string) =>
  ok<OrderView>(PLACE_ORDER, { input, key });

/** The order as the API shows it now. */
export const readOrder = (id: string) =>
  ok<OrderView>(`query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`, { id });

/** The cart as the API shows it now. */
export const readCart = (id: string) =>
  ok<CartView>(`query($id: ID!) { cart(id: $id) { ${CART_FIELDS} } }`, { id });

/** Runs a mutation that takes the order's `id` (e.g. `confirmOrder`) and must succeed. */
export const orderById = (mutation: string, id: string, extra = "") =>
  ok<OrderView>(`mutation($id: ID!) { ${mutation}(id: $id${extra}) { ${ORDER_FIELDS} } }`, { id });

/** A CONFIRMED order of a new customer: `quantity` × `amount` EUR of one variant. */
export async function confirmedOrder(amount = 1000, quantity = 2): Promise<OrderView> {
  const customerId = await seedCustomer();
  const variantId = await seedVariant(amount);
  const order = await placeOrder({ customerId, lines: [{ variantId, quantity }] });
  return orderById("confirmOrder", order.id);
}

/**
 * Runs a race's round again (up to `rounds` times) until every interleaving the race exists for
 * has happened at least once; `missing` names those not seen yet in the rounds' results. Returns
 * the results, so that a race test proves what it claims rather than only logging it.
 */
export async function raceUntil<T>(
  round: () => Promise<T>,
  missing: (results: T[]) => string[],
  rounds = 10,
): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < rounds; i++) {
    results.push(await round());
    if (missing(results).length === 0) return results;
  }
  throw new Error(`after ${rounds} rounds, never saw: ${missing(results).join(", ")}`);
}
