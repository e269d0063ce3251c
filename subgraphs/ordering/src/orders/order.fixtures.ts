import type { VariantPrice } from "../pricing/price-view.ts";
import type { Order, OrderingCustomer } from "./order.ts";
import { type PlaceOrderCommand, placeOrder } from "./order-placement.ts";
import type { OrderStatus } from "./order-status.ts";

/** Test data for the Order aggregate's unit tests; no I/O. */

export const variant = (
  variantId: string,
  amount: number,
  extra: Partial<VariantPrice> = {},
): VariantPrice => ({
  variantId,
  productId: `product-${variantId}`,
  variantSku: `SKU-${variantId}`,
  price: { amount, currency: "EUR" },
  tierPrices: [],
  productStatus: "ACTIVE",
  ...extra,
});

export const customer: OrderingCustomer = { id: "customer-1", status: "ACTIVE", tier: "STANDARD" };

export const variants = [
  variant("v-a", 1_000, { tierPrices: [{ tier: "GOLD", amount: 900 }] }),
  variant("v-b", 250),
  variant("v-c", 4_999),
  variant("v-usd", 1_000, { price: { amount: 1_000, currency: "USD" } }),
  variant("v-draft", 1_000, { productStatus: "DRAFT" }),
];

export const command = (extra: Partial<PlaceOrderCommand> = {}): PlaceOrderCommand => ({
  orderId: "order-1",
  customer,
  lines: [
    { lineId: "line-a", variantId: "v-a", quantity: 2 },
    { lineId: "line-b", variantId: "v-b", quantity: 1 },
  ],
  variants,
  shipping: 500,
  tax: 200,
  idempotencyKey: "key-1",
  ...extra,
});

/** A freshly placed order: 2 × 1000 + 1 × 250, shipping 500, tax 200, version 1. */
export const placed = placeOrder(command()).state;

/**
 * The statuses after the payment was captured, written out here (not taken from the code) so the
 * tests state the table independently.
 */
export const AFTER_PAYMENT: OrderStatus[] = [
  "PAID",
  "PROCESSING",
  "PARTIALLY_SHIPPED",
  "SHIPPED",
  "DELIVERED",
  "COMPLETED",
  "RETURN_REQUESTED",
  "RETURN_APPROVED",
  "RETURNED",
  "REFUNDED",
];
const SHIPPED_OR_LATER: OrderStatus[] = AFTER_PAYMENT.slice(3, 9);

/**
 * The placed order as if it had reached `status`: a PARTIALLY_SHIPPED order has shipped one unit
 * of line-a, SHIPPED and later everything; PAID and later statuses have a captured payment.
 */
export function inStatus(status: OrderStatus, extra: Partial<Order> = {}): Order {
  const shipments =
    status === "PARTIALLY_SHIPPED"
      ? [{ id: "shipment-0", lines: [{ lineId: "line-a", quantity: 1 }] }]
      : SHIPPED_OR_LATER.includes(status)
        ? [
            {
              id: "shipment-0",
              lines: [
                { lineId: "line-a", quantity: 2 },
                { lineId: "line-b", quantity: 1 },
              ],
            },
          ]
        : [];
  return {
    ...placed,
    status,
    shipments,
    paymentCaptured: AFTER_PAYMENT.includes(status),
    version: 5,
    ...extra,
  };
}
