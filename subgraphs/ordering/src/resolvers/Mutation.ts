import * as carts from "../carts/change-cart.ts";
import { checkoutCart } from "../carts/checkout-cart.ts";
import { metadataOf, type OrderingContext } from "../context.ts";
import * as orders from "../orders/change-order.ts";
import { type PlaceOrderInput, placeOrder } from "../orders/place-order.ts";

type Ctx = OrderingContext;
type Id = { id: string };
type Reason = Id & { reason?: string | null };
type Item = { variantId: string; quantity: number };

/** The committed row behind a command's result, read fresh (fields such as createdAt). */
const order = (ctx: Ctx) => (o: { id: string }) => ctx.loaders.order.clear(o.id).load(o.id);
const cart = (ctx: Ctx) => (c: { id: string }) => ctx.loaders.cart.clear(c.id).load(c.id);

export const Mutation = {
  createCart: (_: unknown, a: { input?: { customerId?: string | null } | null }, ctx: Ctx) =>
    carts.createCart(ctx.deps, a.input, metadataOf(ctx)).then(cart(ctx)),
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
    ).then(order(ctx)),
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
  confirmOrder: (_: unknown, a: Id, ctx: Ctx) =>
    orders.confirmOrder(ctx.deps, a.id, metadataOf(ctx)).then(order(ctx)),
  markOrderProcessing: (_: unknown, a: Id, ctx: Ctx) =>
    orders.markOrderProcessing(ctx.deps, a.id, metadataOf(ctx)).then(order(ctx)),
  recordOrderShipment: (
    _: unknown,
    a: { orderId: string; input?: orders.RecordShipmentInput | null },
    ctx: Ctx,
  ) => orders.recordOrderShipment(ctx.deps, a.orderId, a.input, metadataOf(ctx)).then(order(ctx)),
  recordOrderDelivery: (_: unknown, a: Id, ctx: Ctx) =>
    orders.recordOrderDelivery(ctx.deps, a.id, metadataOf(ctx)).then(order(ctx)),
  completeOrder: (_: unknown, a: Id, ctx: Ctx) =>
    orders.completeOrder(ctx.deps, a.id, metadataOf(ctx)).then(order(ctx)),
  requestOrderReturn: (_: unknown, a: Reason, ctx: Ctx) =>
    orders.requestOrderReturn(ctx.deps, a.id, a.reason, metadataOf(ctx)).then(order(ctx)),
  approveOrderReturn: (_: unknown, a: Id, ctx: Ctx) =>
    orders.approveOrderReturn(ctx.deps, a.id, metadataOf(ctx)).then(order(ctx)),
  recordOrderReturn: (_: unknown, a: Id, ctx: Ctx) =>
    orders.recordOrderReturn(ctx.deps, a.id, metadataOf(ctx)).then(order(ctx)),
  cancelOrder: (_: unknown, a: Reason, ctx: Ctx) =>
    orders.cancelOrder(ctx.deps, a.id, a.reason, metadataOf(ctx)).then(order(ctx)),
};
