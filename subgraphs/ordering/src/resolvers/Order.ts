import { toCheckoutState } from "../checkout/checkout-saga.repository.ts";
import { checkoutState } from "../checkout/checkout-state.ts";
import type { OrderingContext } from "../context.ts";
import type { OrderStatus } from "../orders/order-status.ts";
import { visibleCart } from "./Cart.ts";

interface OrderRow {
  id: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  subtotalAmount: number;
  shippingAmount: number;
  taxAmount: number;
  discountAmount: number;
  totalAmount: number;
  couponCode: string | null;
  couponAmount: number | null;
  shipments: unknown;
  cartId: string | null;
}

type Ctx = OrderingContext;
const money = (amount: number, currency: string) => ({ amount, currency });

const timeline = (o: OrderRow, ctx: Ctx) =>
  ctx.loaders.timelineByOrder
    .load(o.id)
    .then((events) => events.map((e) => ({ ...e, id: e.eventId })));

export const Order = {
  __resolveReference: (ref: { id: string }, ctx: Ctx) => ctx.loaders.order.load(ref.id),
  customer: (o: OrderRow) => ({ __typename: "Customer", id: o.customerId }),
  lines: (o: OrderRow, _: unknown, ctx: Ctx) =>
    ctx.loaders.linesByOrder
      .load(o.id)
      .then((lines) => lines.map((l) => ({ ...l, currency: o.currency }))),
  subtotal: (o: OrderRow) => money(o.subtotalAmount, o.currency),
  shipping: (o: OrderRow) => money(o.shippingAmount, o.currency),
  tax: (o: OrderRow) => money(o.taxAmount, o.currency),
  discount: (o: OrderRow) => money(o.discountAmount, o.currency),
  grandTotal: (o: OrderRow) => money(o.totalAmount, o.currency),
  coupon: (o: OrderRow) =>
    o.couponCode ? { code: o.couponCode, amount: money(o.couponAmount ?? 0, o.currency) } : null,
  shipments: (o: OrderRow) => o.shipments ?? [],
  cart: (o: OrderRow, _: unknown, ctx: Ctx) => (o.cartId ? visibleCart(ctx, o.cartId) : null),
  timeline: (o: OrderRow, _: unknown, ctx: Ctx) => timeline(o, ctx),
  /** The saga's stored state; derived from status and timeline for orders without a row. */
  checkout: async (o: OrderRow, _: unknown, ctx: Ctx) =>
    toCheckoutState((await ctx.loaders.checkoutSaga.load(o.id))[0]) ??
    checkoutState(
      o.status,
      (await timeline(o, ctx)).map((e) => ({
        type: e.type,
        occurredAt: e.occurredAt.toISOString(),
        payload: e.payload as Record<string, unknown>,
      })),
    ),
};
