import { DomainError, type FieldError } from "@shopstream/errors";
import { unitPriceFor, type VariantPrice } from "../pricing/price-view.ts";
import type { Coupon, Order, OrderingCustomer, OrderLine } from "./order.ts";
import { type OrderDecision, orderEvent } from "./order-events.ts";
import { type LineRequest, priceLine } from "./order-pricing.ts";
import { amountProblem, couponProblems, normalizeCouponCode } from "./order-rules.ts";
import { orderTotals } from "./order-totals.ts";

/** Placing an order, and recognising a repeated placement (docs/ordering.md, "Idempotency"). */

export interface PlaceOrderCommand {
  orderId: string;
  customer: OrderingCustomer;
  lines: LineRequest[];
  /** The price view's rows for the requested variants (missing ones are reported). */
  variants: VariantPrice[];
  coupon?: Coupon | null;
  shipping?: number;
  tax?: number;
  idempotencyKey?: string | null;
  /** The cart being checked out, when a checkout places the order. */
  cartId?: string | null;
}

/**
 * What a placement asked for, without ids or prices: two requests with the same idempotency key
 * are "the same" when this matches.
 */
export function placementFingerprint(command: PlaceOrderCommand): string {
  return JSON.stringify({
    customerId: command.customer.id,
    lines: command.lines.map((l) => [l.variantId, l.quantity, l.discount ?? 0]),
    coupon: command.coupon ? normalizeCouponCode(command.coupon.code) : null,
    shipping: command.shipping ?? 0,
    tax: command.tax ?? 0,
  });
}

/**
 * A repeated placement with an idempotency key already used by `existing`: the same request
 * returns the first order unchanged; a different one is DUPLICATE.
 */
export function repeatPlacement(existing: Order, command: PlaceOrderCommand): Order {
  if (existing.placementFingerprint !== placementFingerprint(command)) {
    throw DomainError.duplicate(
      "order",
      "idempotencyKey",
      "This idempotency key was already used for a different order",
    );
  }
  return existing;
}

/** Every problem of the placement's own fields (key, shipping, tax, coupon), in input order. */
function placementProblems(command: PlaceOrderCommand): FieldError[] {
  const problems: FieldError[] = [];
  if (command.lines.length === 0)
    problems.push({ field: "lines", message: "must have at least one line" });
  const key = command.idempotencyKey ?? null;
  if (key !== null && (key.trim().length === 0 || key.length > 255)) {
    problems.push({ field: "idempotencyKey", message: "must be 1–255 characters when given" });
  }
  const shippingIssue = amountProblem(command.shipping ?? 0);
  if (shippingIssue) problems.push({ field: "shipping", message: shippingIssue });
  const taxIssue = amountProblem(command.tax ?? 0);
  if (taxIssue) problems.push({ field: "tax", message: taxIssue });
  if (command.coupon) problems.push(...couponProblems(command.coupon, "coupon"));
  return problems;
}

/**
 * Prices every requested line. The order's currency is the first known variant's; lines priced
 * otherwise are reported, as are a line id or a variant used on an earlier line.
 */
function pricedLines(command: PlaceOrderCommand) {
  const { customer } = command;
  const byId = new Map(command.variants.map((v) => [v.variantId, v]));
  const firstVariant = command.lines.map((l) => byId.get(l.variantId)).find((v) => v);
  const currency = firstVariant ? unitPriceFor(firstVariant, customer.tier).currency : null;
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  const lineIds = new Set<string>();
  const lines: OrderLine[] = [];
  command.lines.forEach((request, i) => {
    if (lineIds.has(request.lineId)) {
      problems.push({ field: `lines.${i}.lineId`, message: "is used by an earlier line" });
    }
    lineIds.add(request.lineId);
    if (seen.has(request.variantId)) {
      problems.push({
        field: `lines.${i}.variantId`,
        message: "appears on an earlier line; order it once with the total quantity",
      });
    }
    seen.add(request.variantId);
    const variant = byId.get(request.variantId);
    const priced = priceLine(request, variant, customer.tier, currency, `lines.${i}`);
    problems.push(...priced.problems);
    if (priced.line) lines.push(priced.line);
  });
  return { currency, lines, problems };
}

/**
 * Places an order in CREATED from priced lines. The customer must be ACTIVE; every variant must
 * be orderable and priced in one currency (the first line's); quantities are 1..999; a variant
 * appears on one line only. Every offending field is reported at once.
 */
export function placeOrder(command: PlaceOrderCommand): OrderDecision {
  const { customer } = command;
  if (customer.status !== "ACTIVE") {
    throw DomainError.invalidTransition("Customer", customer.status, "place an order for");
  }
  const priced = pricedLines(command);
  const problems = [...placementProblems(command), ...priced.problems];
  if (problems.length > 0) throw DomainError.validation(problems);

  const { lines } = priced;
  const coupon = command.coupon
    ? { code: normalizeCouponCode(command.coupon.code), amount: command.coupon.amount }
    : null;
  const state: Order = {
    id: command.orderId,
    customerId: customer.id,
    customerTier: customer.tier,
    cartId: command.cartId ?? null,
    status: "CREATED",
    currency: priced.currency as string,
    lines,
    coupon,
    totals: orderTotals(lines, coupon, command.shipping ?? 0, command.tax ?? 0),
    idempotencyKey: command.idempotencyKey ?? null,
    placementFingerprint: placementFingerprint(command),
    shipments: [],
    paymentCaptured: false,
    version: 1,
  };
  return {
    state,
    events: [
      orderEvent(state, "OrderPlaced", {
        status: state.status,
        currency: state.currency,
        customerTier: customer.tier,
        lines: state.lines,
        coupon: state.coupon,
        totals: state.totals,
        idempotencyKey: state.idempotencyKey,
      }),
    ],
  };
}
