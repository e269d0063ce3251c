import { nowOf } from "@shopstream/commands";
import { sqlPoolOf, uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuids } from "@shopstream/rules";
import type { OrderingDeps } from "../context.ts";
import { findCustomerView } from "../customers/customer-view.repository.ts";
import type { CustomerView } from "../customers/customer-view.ts";
import type { OrderingDb } from "../db.ts";
import { findVariantPrices } from "../pricing/price-view.repository.ts";
import type { VariantPrice } from "../pricing/price-view.ts";
import { resolveCoupon } from "./coupons.ts";
import { findOrderByIdempotencyKey } from "./order.repository.ts";
import type { Order } from "./order.ts";
import type { OrderDecision } from "./order-events.ts";
import { insertPlacedOrder, readPlacementInputs } from "./order-placement.sql.ts";
import {
  placeOrder as decide,
  type PlaceOrderCommand,
  repeatPlacement,
} from "./order-placement.ts";
import type { LineRequest } from "./order-pricing.ts";

export interface PlaceOrderInput {
  customerId: string;
  lines: { variantId: string; quantity: number }[];
  couponCode?: string | null;
  idempotencyKey?: string | null;
}

/** The customer from ordering's view; unknown → VALIDATION_FAILED naming `field`. */
export async function knownCustomer(
  db: OrderingDb,
  customerId: string,
  field = "customerId",
): Promise<CustomerView> {
  const customer = await findCustomerView(db, customerId);
  if (!customer) throw unknownCustomer(field);
  return customer;
}

const unknownCustomer = (field: string) =>
  DomainError.validation([{ field, message: "is not a customer known to ordering (yet)" }]);

/** What a placement asks for: the new order's id, its lines, a coupon, the cart it converts. */
interface PlacementRequest {
  orderId: string;
  lines: LineRequest[];
  couponCode: string | null;
  cartId?: string | null;
}

/**
 * Prices requested lines from the price view for the customer's tier and decides the placement
 * (pure). A coupon code is resolved against the subtotal of the priced lines, so the decision is
 * made twice when one is given.
 */
export async function decidePlacement(
  db: OrderingDb,
  customer: CustomerView,
  request: PlacementRequest,
  idempotencyKey: string | null,
): Promise<OrderDecision> {
  const variants = await findVariantPrices(db, [...new Set(request.lines.map((l) => l.variantId))]);
  return decidePricedPlacement(customer, variants, request, idempotencyKey);
}

/** `decidePlacement` once the variants' prices are read (pure). */
export function decidePricedPlacement(
  customer: CustomerView,
  variants: VariantPrice[],
  request: PlacementRequest,
  idempotencyKey: string | null,
): OrderDecision {
  const base: PlaceOrderCommand = {
    orderId: request.orderId,
    customer: { id: customer.customerId, status: customer.status, tier: customer.tier },
    lines: request.lines,
    variants,
    idempotencyKey,
    cartId: request.cartId ?? null,
  };
  const decision = decide(base);
  if (!request.couponCode) return decision;
  const coupon = resolveCoupon(request.couponCode, decision.state.totals.subtotal, "couponCode");
  return decide({ ...base, coupon });
}

/**
 * Places at most once per idempotency key: the order an earlier request with the key placed
 * (`repeat`), else a new one (`place`). A placement that lost the race with a concurrent request
 * of the same key (`lostRace` recognises its error) returns the winner's order.
 */
export async function placeOnce(
  repeat: () => Promise<Order | null>,
  place: () => Promise<Order>,
  lostRace: (error: unknown) => boolean,
): Promise<Order> {
  const first = await repeat();
  if (first) return first;
  try {
    return await place();
  } catch (error) {
    const winner = lostRace(error) ? await repeat() : null;
    if (winner) return winner;
    throw error;
  }
}

/** A fingerprint-only command, for comparing a repeat against the order a key already placed. */
const repeatCommand = (input: PlaceOrderInput): PlaceOrderCommand => ({
  orderId: "",
  customer: { id: input.customerId, status: "ACTIVE", tier: "STANDARD" },
  lines: input.lines.map((l) => ({ lineId: "", ...l })),
  variants: [],
  coupon: input.couponCode ? { code: input.couponCode, amount: 0 } : null,
});

/**
 * Places an order with prices from the price view. With an idempotency key, a repeat returns the
 * first order and a different payload is DUPLICATE; concurrent repeats race on the unique index
 * on `order.idempotency_key` and every loser returns the winner's order.
 */
export async function placeOrder(
  deps: OrderingDeps,
  input: PlaceOrderInput,
  metadata: EventMetadata,
): Promise<Order> {
  assertUuids({
    customerId: input.customerId,
    ...Object.fromEntries(input.lines.map((l, i) => [`lines.${i}.variantId`, l.variantId])),
  });
  const key = input.idempotencyKey ?? null;
  const repeat = async () => {
    const existing = key === null ? null : await findOrderByIdempotencyKey(deps.prisma, key);
    return existing ? repeatPlacement(existing, repeatCommand(input)) : null;
  };
  const lostRace = (error: unknown) =>
    uniqueViolationFields(error)?.some((f) => f.includes("idempotency")) ?? false;
  return placeOnce(repeat, () => placeNewOrder(deps, input, metadata), lostRace);
}

/**
 * Reads the customer and prices, decides, and writes the order with its lines and events in one
 * statement (see order-placement.sql.ts for why not an interactive transaction).
 */
async function placeNewOrder(
  deps: OrderingDeps,
  input: PlaceOrderInput,
  metadata: EventMetadata,
): Promise<Order> {
  const pool = sqlPoolOf(deps.prisma);
  const now = nowOf(deps);
  const variantIds = [...new Set(input.lines.map((l) => l.variantId))];
  const { customer, variants } = await readPlacementInputs(pool, input.customerId, variantIds);
  if (!customer) throw unknownCustomer("customerId");
  const lines = input.lines.map((l) => ({ lineId: newId(), ...l }));
  const couponCode = input.couponCode ?? null;
  const request = { orderId: newId(), lines, couponCode };
  const { state, events } = decidePricedPlacement(
    customer,
    variants,
    request,
    input.idempotencyKey ?? null,
  );
  const envelopes = events.map((e) => toEnvelope(e, metadata, now));
  await insertPlacedOrder(pool, state, envelopes, now);
  placedAt.set(state, now);
  return state;
}

const placedAt = new WeakMap<Order, Date>();

/**
 * When `order` was placed, if `placeOrder` just inserted it (not for a repeat of an idempotency
 * key, which returns the order stored earlier): the mutation then answers from `placedRows`.
 */
export const justPlacedAt = (order: Order): Date | undefined => placedAt.get(order);
