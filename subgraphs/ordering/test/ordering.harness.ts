import { type DomainEvent, newId } from "@shopstream/outbox";
import { createLogger } from "@shopstream/service";
import { testDatabaseUrl } from "@shopstream/testing";
import { expect } from "vitest";
import { createContext } from "../src/context.ts";
import { createCustomerViewConsumer } from "../src/customers/customer-view.consumer.ts";
import { createOrderingPrisma } from "../src/db.ts";
import { createPriceViewConsumer } from "../src/pricing/price-view.consumer.ts";
import { createServer } from "../src/server.ts";

/** Shared set-up of ordering's integration tests: a real database, the in-process server. */
export const prisma = createOrderingPrisma(testDatabaseUrl("ordering"), { poolSize: 20 });
export const server = createServer(createLogger("ordering-test", "error"));
const customers = createCustomerViewConsumer(prisma);
const prices = createPriceViewConsumer(prisma);

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
  const res = await server.executeOperation(
    { query, variables },
    { contextValue: createContext(prisma, { correlationId: "test", actor: "test" }) },
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

/** Applies an identity event through ordering's customer-view consumer, as the workers do. */
export async function applyCustomerEvent(e: DomainEvent) {
  const handler = customers.handlers[e.type];
  if (handler) await customers.transaction((tx) => handler(e, tx));
}

/** A customer known to ordering (registered, then suspended/closed/upgraded as asked). */
export async function seedCustomer(
  opts: { tier?: string; status?: "ACTIVE" | "SUSPENDED" | "CLOSED" } = {},
): Promise<string> {
  const customerId = newId();
  await applyCustomerEvent(
    event("Customer", customerId, "CustomerRegistered", 1, {
      customerId,
      tier: opts.tier ?? "STANDARD",
      status: "ACTIVE",
    }),
  );
  if (opts.status === "SUSPENDED") {
    await applyCustomerEvent(
      event("Customer", customerId, "CustomerSuspended", 2, { status: "SUSPENDED" }),
    );
  } else if (opts.status === "CLOSED") {
    await applyCustomerEvent(
      event("Customer", customerId, "CustomerClosed", 2, { status: "CLOSED" }),
    );
  }
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
  const apply = async (e: DomainEvent) => {
    const handler = prices.handlers[e.type];
    if (handler) await prices.transaction((tx) => handler(e, tx));
  };
  await apply(
    event("ProductVariant", variantId, "ProductVariantAdded", 1, {
      variantId,
      productId,
      variantSku: `SKU-${variantId.slice(-8)}`,
      price: { amount, currency: opts.currency ?? "EUR" },
      tierPrices: opts.tierPrices ?? [],
      productStatus: opts.status ?? "ACTIVE",
    }),
  );
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
