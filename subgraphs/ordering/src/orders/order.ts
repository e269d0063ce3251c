import type { Tier } from "../pricing/price-view.ts";
import type { OrderStatus } from "./order-status.ts";

/**
 * The Order aggregate's state (docs/ordering.md, "Order"). The pure domain around it is split by
 * concern: the status machine (`order-status.ts`, `order-lifecycle.ts`), totals
 * (`order-totals.ts`), events and the shape of a decision (`order-events.ts`), field rules
 * (`order-rules.ts`), pricing a line (`order-pricing.ts`), placement (`order-placement.ts`) and
 * line editing (`order-lines.ts`). Decisions never read a clock, a database or the network.
 */

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
  /** The customer's tier at placement: lines added later are priced for it if the view has none. */
  customerTier: Tier;
  /** The cart whose checkout placed the order; null for `placeOrder`. */
  cartId: string | null;
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

/** The customer as ordering sees it: the identity context's status and tier. */
export interface OrderingCustomer {
  id: string;
  status: "ACTIVE" | "SUSPENDED" | "CLOSED";
  tier: Tier;
}
