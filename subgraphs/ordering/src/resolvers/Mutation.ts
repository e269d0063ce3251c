import type { EventMetadata } from "@shopstream/outbox";
import * as carts from "../carts/change-cart.ts";
import { checkoutCart } from "../carts/checkout-cart.ts";
import { metadataOf, type OrderingContext, type OrderingDeps } from "../context.ts";
import * as orders from "../orders/change-order.ts";
import { placedRows } from "../orders/order.repository.ts";
import { justPlacedAt, type PlaceOrderInput, placeOrder } from "../orders/place-order.ts";

type Ctx = OrderingContext;
type Id = { id: string };
type Reason = Id & { reason?: string | null };
type Item = { variantId: string; quantity: number };

/** The committed row behind a command's result, read fresh (fields such as createdAt). */
const order = (ctx: Ctx) => (o: { id: string }) => ctx.loaders.order.clear(o.id).load(o.id);
const cart = (ctx: Ctx) => (c: { id: string }) => ctx.loaders.cart.clear(c.id).load(c.id);

/** A mutation that takes only the order's `id`. */
const orderById =
  (command: (deps: OrderingDeps, id: string, metadata: EventMetadata) => Promise<Id>) =>
  (_: unknown, a: Id, ctx: Ctx) =>
    command(ctx.deps, a.id, metadataOf(ctx)).then(order(ctx));

/** A mutation that takes the order's `id` and an optional `reason`. */
const orderByIdWithReason =
  (
    command: (
      deps: OrderingDeps,
      id: string,
      reason: string | null | undefined,
      metadata: EventMetadata,
    ) => Promise<Id>,
  ) =>
  (_: unknown, a: Reason, ctx: Ctx) =>
    command(ctx.deps, a.id, a.reason, metadataOf(ctx)).then(order(ctx));

export const Mutation = {
  // The new cart's token (a guest cart's) is answered here once, in `Cart.guestToken`.
  createCart: async (
    _: unknown,
    a: { input?: { customerId?: string | null } | null },
    ctx: Ctx,
  ) => {
    const created = await carts.createCart(ctx.deps, a.input, metadataOf(ctx));
    const row = await cart(ctx)(created);
    return row && { ...row, guestToken: created.guestToken };
  },
  addCartItem: (_: unknown, a: { cartId: string; input: Item }, ctx: Ctx) =>
    carts.addCartItem(ctx.deps, a.cartId, a.input, metadataOf(ctx)).then(cart(ctx)),
  updateCartItemQuantity: (_: unknown, a: Item & { cartId: string }, ctx: Ctx) =>
    carts
      .updateCartItemQuantity(ctx.deps, a.cartId, a.variantId, a.quantity, metadataOf(ctx))
      .then(cart(ctx)),
  removeCartItem: (_: unknown, a: { cartId: string; variantId: string }, ctx: Ctx) =>
    carts.removeCartItem(ctx.deps, a.cartId, a.variantId, metadataOf(ctx)).then(cart(ctx)),
  applyCartCoupon: (_: unknown, a: { cartId: string; code: string }, ctx: Ctx) =>
    carts.applyCartCoupon(ctx.deps, a.cartId, a.code, metadataOf(ctx)).then(cart(ctx)),
  mergeCarts: (_: unknown, a: { guestCartId: string; customerCartId: string }, ctx: Ctx) =>
    carts.mergeCarts(ctx.deps, a.guestCartId, a.customerCartId, metadataOf(ctx)).then(cart(ctx)),
  abandonCart: (_: unknown, a: Id, ctx: Ctx) =>
    carts.abandonCart(ctx.deps, a.id, metadataOf(ctx)).then(cart(ctx)),
  checkoutCart: (_: unknown, a: { cartId: string; idempotencyKey: string }, ctx: Ctx) =>
    checkoutCart(ctx.deps, a.cartId, a.idempotencyKey, metadataOf(ctx, a.idempotencyKey)).then(
      order(ctx),
    ),
  placeOrder: (
    _: unknown,
    a: { idempotencyKey?: string | null; input: Omit<PlaceOrderInput, "idempotencyKey"> },
    ctx: Ctx,
  ) =>
    placeOrder(
      ctx.deps,
      { ...a.input, idempotencyKey: a.idempotencyKey ?? null },
      metadataOf(ctx, a.idempotencyKey ?? null),
    ).then((placed) => {
      const at = justPlacedAt(placed);
      if (!at) return order(ctx)(placed);
      const rows = placedRows(placed, at);
      ctx.loaders.linesByOrder.clear(placed.id).prime(placed.id, rows.lines);
      return ctx.loaders.order.clear(placed.id).prime(placed.id, rows.order).load(placed.id);
    }),
  addOrderItem: (_: unknown, a: { orderId: string; input: Item }, ctx: Ctx) =>
    orders.addOrderItem(ctx.deps, a.orderId, a.input, metadataOf(ctx)).then(order(ctx)),
  removeOrderItem: (_: unknown, a: { orderId: string; lineId: string }, ctx: Ctx) =>
    orders.removeOrderItem(ctx.deps, a.orderId, a.lineId, metadataOf(ctx)).then(order(ctx)),
  updateOrderItemQuantity: (
    _: unknown,
    a: { orderId: string; lineId: string; quantity: number },
    ctx: Ctx,
  ) =>
    orders
      .updateOrderItemQuantity(ctx.deps, a.orderId, a.lineId, a.quantity, metadataOf(ctx))
      .then(order(ctx)),
  applyOrderCoupon: (_: unknown, a: { orderId: string; code: string }, ctx: Ctx) =>
    orders.applyOrderCoupon(ctx.deps, a.orderId, a.code, metadataOf(ctx)).then(order(ctx)),
  recordOrderShipment: (
    _: unknown,
    a: { orderId: string; input?: orders.RecordShipmentInput | null },
    ctx: Ctx,
  ) => orders.recordOrderShipment(ctx.deps, a.orderId, a.input, metadataOf(ctx)).then(order(ctx)),
  confirmOrder: orderById(orders.confirmOrder),
  markOrderProcessing: orderById(orders.markOrderProcessing),
  recordOrderDelivery: orderById(orders.recordOrderDelivery),
  completeOrder: orderById(orders.completeOrder),
  approveOrderReturn: orderById(orders.approveOrderReturn),
  recordOrderReturn: orderById(orders.recordOrderReturn),
  requestOrderReturn: orderByIdWithReason(orders.requestOrderReturn),
  cancelOrder: orderByIdWithReason(orders.cancelOrder),
};
