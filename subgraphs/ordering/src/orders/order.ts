import { DomainError, type FieldError } from "@shopstream/errors";
import type { NewEvent } from "@shopstream/outbox";
import { isOrderable, type Tier, unitPriceFor, type VariantPrice } from "../pricing/price-view.ts";

/**
 * Pure domain for the Order aggregate (DOMAIN.md, "Ordering"): state, totals, placement and the
 * helpers every decision shares. Line editing lives in `order-lines.ts`, the status machine in
 * `order-lifecycle.ts`. Decisions return the next state and the events it raises; they never
 * read a clock, a database or the network.
 */

export const ORDER_STATUSES = [
  "CREATED",
  "CONFIRMED",
  "PAYMENT_PENDING",
  "PAID",
  "PROCESSING",
  "PARTIALLY_SHIPPED",
  "SHIPPED",
  "DELIVERED",
  "COMPLETED",
  "RETURN_REQUESTED",
  "RETURN_APPROVED",
  "RETURNED",
  "CANCELLED",
  "REFUNDED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** DOMAIN.md's order state table, verbatim: every status and where it may go next. */
export const ORDER_TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  CREATED: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["PAYMENT_PENDING", "CANCELLED"],
  PAYMENT_PENDING: ["PAID", "CONFIRMED", "CANCELLED"],
  PAID: ["PROCESSING", "SHIPPED", "CANCELLED"],
  PROCESSING: ["PARTIALLY_SHIPPED", "SHIPPED"],
  PARTIALLY_SHIPPED: ["SHIPPED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: ["COMPLETED", "RETURN_REQUESTED"],
  RETURN_REQUESTED: ["RETURN_APPROVED"],
  RETURN_APPROVED: ["RETURNED"],
  RETURNED: ["REFUNDED"],
  COMPLETED: [],
  CANCELLED: ["REFUNDED"],
  REFUNDED: [],
};

export const QUANTITY_MIN = 1;
export const QUANTITY_MAX = 999;
export const REASON_MAX = 500;

export interface OrderLine {
  id: string;
  variantId: string;
  quantity: number;
  /** Per unit, in minor units of the order's currency; from the price view, never the client. */
  unitPrice: number;
  /** Discount on the whole line, in minor units (0 ≤ discount ≤ unitPrice × quantity). */
  discount: number;
}

/** A coupon already resolved to a fixed amount off the subtotal (minor units). */
export interface Coupon {
  code: string;
  amount: number;
}

export interface Shipment {
  id: string;
  lines: { lineId: string; quantity: number }[];
}

export interface OrderTotals {
  /** Σ unit price × quantity − line discounts. */
  subtotal: number;
  shipping: number;
  tax: number;
  /** Order-level discount: the coupon amount, capped at the subtotal. */
  discount: number;
  /** subtotal + shipping + tax − discount. */
  grandTotal: number;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  lines: OrderLine[];
  coupon: Coupon | null;
  /** Always `orderTotals(lines, coupon, shipping, tax)`; every decision recomputes it. */
  totals: OrderTotals;
  idempotencyKey: string | null;
  /** What the placement asked for (see `placementFingerprint`); compared on a repeated key. */
  placementFingerprint: string;
  shipments: Shipment[];
  /** True once a payment was captured (the order reached PAID). */
  paymentCaptured: boolean;
  version: number;
}

export const ORDER_EVENT_TYPES = [
  "OrderPlaced",
  "OrderItemAdded",
  "OrderItemRemoved",
  "OrderItemQuantityChanged",
  "OrderCouponApplied",
  "OrderConfirmed",
  "OrderPaymentPending",
  "OrderPaid",
  "OrderPaymentFailed",
  "OrderProcessingStarted",
  "OrderShipmentRecorded",
  "OrderDelivered",
  "OrderCompleted",
  "OrderReturnRequested",
  "OrderReturnApproved",
  "OrderReturned",
  "OrderCancelled",
  "OrderRefunded",
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];
export type OrderEvent = NewEvent<OrderEventType, Record<string, unknown>>;

export interface OrderDecision {
  state: Order;
  events: OrderEvent[];
  /**
   * Set when the order cannot take what happened and someone must undo it elsewhere: a payment
   * that succeeded after the order was cancelled must be refunded (the saga acts on it).
   */
  compensation?: "refund-payment";
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export const lineTotal = (line: Pick<OrderLine, "unitPrice" | "quantity" | "discount">) =>
  line.unitPrice * line.quantity - line.discount;

/**
 * The order's totals, integers only. Throws VALIDATION_FAILED when an amount leaves the safe
 * integer range (a float never gets this far: inputs are checked to be safe integers).
 */
export function orderTotals(
  lines: OrderLine[],
  coupon: Coupon | null,
  shipping: number,
  tax: number,
): OrderTotals {
  const subtotal = sum(lines.map(lineTotal));
  const discount = Math.min(coupon?.amount ?? 0, subtotal);
  const totals = {
    subtotal,
    shipping,
    tax,
    discount,
    grandTotal: subtotal + shipping + tax - discount,
  };
  for (const [name, value] of Object.entries(totals)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw DomainError.validation([
        { field: "lines", message: `the order's ${name} (${value}) is not a representable amount` },
      ]);
    }
  }
  return totals;
}

const withTotals = (order: Order, next: Partial<Order>): Order => {
  const merged = { ...order, ...next };
  return {
    ...merged,
    totals: orderTotals(merged.lines, merged.coupon, merged.totals.shipping, merged.totals.tax),
  };
};

function event(order: Order, type: OrderEventType, payload: Record<string, unknown>): OrderEvent {
  return {
    type,
    aggregateType: "Order",
    aggregateId: order.id,
    aggregateVersion: order.version,
    payload: { orderId: order.id, customerId: order.customerId, ...payload },
  };
}

/**
 * One change: the next state (totals recomputed) at the next version, and the one event that
 * records it, carrying that version so versions stay gap-free. A payload function sees the new
 * state, for payloads that report the recomputed totals.
 */
export function changed(
  order: Order,
  next: Partial<Omit<Order, "id" | "version" | "totals">>,
  type: OrderEventType,
  payload: Record<string, unknown> | ((state: Order) => Record<string, unknown>),
): OrderDecision {
  const state = { ...withTotals(order, next), version: order.version + 1 };
  const body = typeof payload === "function" ? payload(state) : payload;
  return { state, events: [event(state, type, body)] };
}

/** Nothing changed: no event, no new version. */
export const unchanged = (order: Order): OrderDecision => ({ state: order, events: [] });

/**
 * Throws INVALID_STATE_TRANSITION unless DOMAIN.md's table allows `order.status → to` and, when
 * given, the action may start from `order.status` (two actions can lead to one status: confirm
 * and a failed payment both reach CONFIRMED, from different statuses).
 */
export function assertTransition(
  order: Order,
  to: OrderStatus,
  action: string,
  from?: readonly OrderStatus[],
): void {
  if (!ORDER_TRANSITIONS[order.status].includes(to) || (from && !from.includes(order.status))) {
    throw DomainError.invalidTransition("Order", order.status, action);
  }
}

export function quantityProblem(quantity: number): string | null {
  return Number.isSafeInteger(quantity) && quantity >= QUANTITY_MIN && quantity <= QUANTITY_MAX
    ? null
    : `must be a whole number from ${QUANTITY_MIN} to ${QUANTITY_MAX}`;
}

export const amountProblem = (amount: number, min = 0): string | null =>
  Number.isSafeInteger(amount) && amount >= min
    ? null
    : `must be a whole number of minor units, at least ${min}`;

/** Trimmed, upper-cased coupon code, so `save10` and ` SAVE10 ` are the same coupon. */
export const normalizeCouponCode = (code: string) => code.trim().toUpperCase();

export function couponCodeProblem(code: string): string | null {
  return /^[A-Z0-9][A-Z0-9_-]{0,49}$/.test(normalizeCouponCode(code))
    ? null
    : "must be 1–50 letters, digits, hyphens or underscores";
}

export function couponProblems(coupon: Coupon, prefix: string): FieldError[] {
  const problems: FieldError[] = [];
  const code = couponCodeProblem(coupon.code);
  if (code) problems.push({ field: `${prefix}.code`, message: code });
  const amount = amountProblem(coupon.amount, 1);
  if (amount) problems.push({ field: `${prefix}.amount`, message: amount });
  return problems;
}

/** The customer as ordering sees it: the identity context's status and tier. */
export interface OrderingCustomer {
  id: string;
  status: "ACTIVE" | "SUSPENDED" | "CLOSED";
  tier: Tier;
}

export interface LineRequest {
  lineId: string;
  variantId: string;
  quantity: number;
  /** A line discount decided server-side (e.g. a promotion); 0 when absent. */
  discount?: number;
}

/**
 * Prices one requested line from the price view. Reports every problem of the line under
 * `prefix` (e.g. `lines.0`); returns the line when there are none.
 */
export function priceLine(
  request: LineRequest,
  variant: VariantPrice | undefined,
  tier: Tier,
  currency: string | null,
  prefix: string,
): { line: OrderLine | null; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const quantityIssue = quantityProblem(request.quantity);
  if (quantityIssue) problems.push({ field: `${prefix}.quantity`, message: quantityIssue });
  if (!variant) {
    problems.push({ field: `${prefix}.variantId`, message: "is not a known product variant" });
    return { line: null, problems };
  }
  if (!isOrderable(variant)) {
    problems.push({
      field: `${prefix}.variantId`,
      message: `cannot be ordered: its product is ${variant.productStatus}`,
    });
  }
  const price = unitPriceFor(variant, tier);
  if (currency !== null && price.currency !== currency) {
    problems.push({
      field: `${prefix}.variantId`,
      message: `is priced in ${price.currency}, but the order is in ${currency}`,
    });
  }
  const discount = request.discount ?? 0;
  const discountIssue = amountProblem(discount);
  if (discountIssue) problems.push({ field: `${prefix}.discount`, message: discountIssue });
  else if (!quantityIssue && discount > price.amount * request.quantity) {
    problems.push({ field: `${prefix}.discount`, message: "must not exceed the line amount" });
  }
  if (problems.length > 0) return { line: null, problems };
  return {
    line: {
      id: request.lineId,
      variantId: request.variantId,
      quantity: request.quantity,
      unitPrice: price.amount,
      discount,
    },
    problems,
  };
}

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
}

/**
 * What a placement asked for, without ids or prices: two requests with the same idempotency key
 * are "the same" when this matches (DOMAIN.md, "idempotency").
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
  const problems: FieldError[] = [];
  if (command.lines.length === 0)
    problems.push({ field: "lines", message: "must have at least one line" });
  const key = command.idempotencyKey ?? null;
  if (key !== null && (key.trim().length === 0 || key.length > 255)) {
    problems.push({ field: "idempotencyKey", message: "must be 1–255 characters when given" });
  }
  const shipping = command.shipping ?? 0;
  const tax = command.tax ?? 0;
  const shippingIssue = amountProblem(shipping);
  if (shippingIssue) problems.push({ field: "shipping", message: shippingIssue });
  const taxIssue = amountProblem(tax);
  if (taxIssue) problems.push({ field: "tax", message: taxIssue });
  if (command.coupon) problems.push(...couponProblems(command.coupon, "coupon"));

  const byId = new Map(command.variants.map((v) => [v.variantId, v]));
  // The order's currency is the first known variant's; lines priced otherwise are reported.
  const firstVariant = command.lines.map((l) => byId.get(l.variantId)).find((v) => v);
  const currency = firstVariant ? unitPriceFor(firstVariant, customer.tier).currency : null;
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
    const priced = priceLine(
      request,
      byId.get(request.variantId),
      customer.tier,
      currency,
      `lines.${i}`,
    );
    problems.push(...priced.problems);
    if (priced.line) lines.push(priced.line);
  });
  if (problems.length > 0) throw DomainError.validation(problems);

  const coupon = command.coupon
    ? { code: normalizeCouponCode(command.coupon.code), amount: command.coupon.amount }
    : null;
  const state: Order = {
    id: command.orderId,
    customerId: customer.id,
    status: "CREATED",
    currency: currency as string,
    lines,
    coupon,
    totals: orderTotals(lines, coupon, shipping, tax),
    idempotencyKey: key,
    placementFingerprint: placementFingerprint(command),
    shipments: [],
    paymentCaptured: false,
    version: 1,
  };
  return {
    state,
    events: [
      event(state, "OrderPlaced", {
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
