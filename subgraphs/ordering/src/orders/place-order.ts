import { uniqueViolationFields } from "@shopstream/db";
import { DomainError, type FieldError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { isUuid } from "@shopstream/rules";
import { findCustomerView } from "../customers/customer-view.repository.ts";
import type { CustomerView } from "../customers/customer-view.ts";
import type { OrderingDb } from "../db.ts";
import { findVariantPrices } from "../pricing/price-view.repository.ts";
import { resolveCoupon } from "./coupons.ts";
import { appendOrderHistory, findOrderByIdempotencyKey, insertOrder } from "./order.repository.ts";
import {
  placeOrder as decide,
  type LineRequest,
  type Order,
  type OrderDecision,
  type PlaceOrderCommand,
  repeatPlacement,
} from "./order.ts";
import type { CommandDeps } from "./order-commands.deps.ts";

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
  if (!customer) {
    throw DomainError.validation([{ field, message: "is not a customer known to ordering (yet)" }]);
  }
  return customer;
}

/**
 * Prices requested lines from the price view for the customer's tier and decides the placement
 * (pure). A coupon code is resolved against the subtotal of the priced lines, so the decision is
 * made twice when one is given.
 */
export async function decidePlacement(
  db: OrderingDb,
  customer: CustomerView,
  request: { orderId: string; lines: LineRequest[]; couponCode: string | null },
  idempotencyKey: string | null,
): Promise<{ command: PlaceOrderCommand; decision: OrderDecision }> {
  const variants = await findVariantPrices(db, [...new Set(request.lines.map((l) => l.variantId))]);
  const base: PlaceOrderCommand = {
    orderId: request.orderId,
    customer: { id: customer.customerId, status: customer.status, tier: customer.tier },
    lines: request.lines,
    variants,
    idempotencyKey,
  };
  let command = base;
  let decision = decide(base);
  if (request.couponCode) {
    command = {
      ...base,
      coupon: resolveCoupon(request.couponCode, decision.state.totals.subtotal, "couponCode"),
    };
    decision = decide(command);
  }
  return { command, decision };
}

function assertInputIds(input: PlaceOrderInput): void {
  const problems: FieldError[] = [];
  if (!isUuid(input.customerId)) problems.push({ field: "customerId", message: "must be a UUID" });
  input.lines.forEach((l, i) => {
    if (!isUuid(l.variantId))
      problems.push({ field: `lines.${i}.variantId`, message: "must be a UUID" });
  });
  if (problems.length > 0) throw DomainError.validation(problems);
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
  deps: CommandDeps,
  input: PlaceOrderInput,
  metadata: EventMetadata,
): Promise<Order> {
  assertInputIds(input);
  const key = input.idempotencyKey ?? null;
  const repeat = async () => {
    const existing = key === null ? null : await findOrderByIdempotencyKey(deps.prisma, key);
    return existing ? repeatPlacement(existing, repeatCommand(input)) : null;
  };
  const first = await repeat();
  if (first) return first;

  const now = deps.now?.() ?? new Date();
  const customer = await knownCustomer(deps.prisma, input.customerId);
  const { decision } = await decidePlacement(
    deps.prisma,
    customer,
    {
      orderId: newId(),
      lines: input.lines.map((l) => ({ lineId: newId(), ...l })),
      couponCode: input.couponCode ?? null,
    },
    key,
  );
  try {
    await deps.prisma.$transaction(async (tx) => {
      await insertOrder(tx, decision.state, { customerTier: customer.tier, cartId: null }, now);
      const envelopes = decision.events.map((e) => toEnvelope(e, metadata, now));
      await appendToOutbox(tx, envelopes);
      await appendOrderHistory(tx, envelopes);
    });
  } catch (error) {
    const fields = uniqueViolationFields(error);
    if (fields?.some((f) => f.includes("idempotency"))) {
      const winner = await repeat();
      if (winner) return winner;
    }
    throw error;
  }
  return decision.state;
}
