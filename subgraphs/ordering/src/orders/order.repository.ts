import type { AggregateStore, NewAggregateStore } from "@shopstream/commands";
import type { DomainEvent } from "@shopstream/outbox";
import { saveCheckoutSaga } from "../checkout/checkout-saga.repository.ts";
import type { OrderingDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Tier } from "../pricing/price-view.ts";
import type { Order, Shipment } from "./order.ts";

type Tx = Prisma.TransactionClient;

const withLines = { lines: { orderBy: { position: "asc" } } } as const;

type OrderRow = Prisma.OrderGetPayload<{ include: typeof withLines }>;

function toDomain(row: OrderRow): Order {
  return {
    id: row.id,
    customerId: row.customerId,
    customerTier: row.customerTier as Tier,
    cartId: row.cartId,
    status: row.status,
    currency: row.currency,
    lines: row.lines.map((l) => ({
      id: l.id,
      variantId: l.variantId,
      quantity: l.quantity,
      unitPrice: l.unitPriceAmount,
      discount: l.discountAmount,
    })),
    coupon:
      row.couponCode !== null ? { code: row.couponCode, amount: row.couponAmount ?? 0 } : null,
    totals: {
      subtotal: row.subtotalAmount,
      shipping: row.shippingAmount,
      tax: row.taxAmount,
      discount: row.discountAmount,
      grandTotal: row.totalAmount,
    },
    idempotencyKey: row.idempotencyKey,
    placementFingerprint: row.placementFingerprint,
    shipments: row.shipments as unknown as Shipment[],
    paymentCaptured: row.paymentCaptured,
    version: row.version,
  };
}

async function findOrderBy(db: OrderingDb, where: Prisma.OrderWhereUniqueInput) {
  const row = await db.order.findUnique({ where, include: withLines });
  return row ? toDomain(row) : null;
}

export const findOrder = (db: OrderingDb, id: string) => findOrderBy(db, { id });

/** The order a `placeOrder` with this idempotency key placed, if any. */
export const findOrderByIdempotencyKey = (db: OrderingDb, key: string) =>
  findOrderBy(db, { idempotencyKey: key });

const stateColumns = (order: Order) => ({
  status: order.status,
  currency: order.currency,
  subtotalAmount: order.totals.subtotal,
  shippingAmount: order.totals.shipping,
  taxAmount: order.totals.tax,
  discountAmount: order.totals.discount,
  totalAmount: order.totals.grandTotal,
  couponCode: order.coupon?.code ?? null,
  couponAmount: order.coupon?.amount ?? null,
  shipments: order.shipments as unknown as Prisma.InputJsonValue,
  paymentCaptured: order.paymentCaptured,
  version: order.version,
});

const lineRows = (order: Order) =>
  order.lines.map((l, position) => ({
    id: l.id,
    orderId: order.id,
    variantId: l.variantId,
    quantity: l.quantity,
    unitPriceAmount: l.unitPrice,
    discountAmount: l.discount,
    position,
  }));

/**
 * The rows a placement just wrote (`insertPlacedOrder`), shaped as the request's loaders hold
 * them, so the mutation answers without reading them back: under a burst that read could be
 * refused for want of a connection after the order had committed, and a client told to retry
 * would place it twice.
 */
export function placedRows(order: Order, now: Date) {
  return {
    order: {
      ...newOrderColumns(order, now),
      shipments: order.shipments as unknown as Prisma.JsonValue,
    },
    lines: lineRows(order),
  };
}

/** Every column of a new order's row. */
const newOrderColumns = (order: Order, now: Date) => ({
  id: order.id,
  customerId: order.customerId,
  idempotencyKey: order.idempotencyKey,
  placementFingerprint: order.placementFingerprint,
  customerTier: order.customerTier,
  cartId: order.cartId,
  createdAt: now,
  updatedAt: now,
  ...stateColumns(order),
});

/** Inserts a new order and its lines (a unique idempotency key or cart id may reject it). */
async function insertOrder(tx: Tx, order: Order, now: Date): Promise<void> {
  await tx.order.create({ data: newOrderColumns(order, now) });
  await tx.orderLine.createMany({ data: lineRows(order) });
}

/**
 * Saves `after` guarded by the version `before` was loaded at. The order row is written first,
 * so a concurrent command that loaded the same version blocks on it, then matches nothing and
 * never touches the lines. False (nothing written) means the caller reports CONFLICT.
 */
async function saveOrder(tx: Tx, before: Order, after: Order, now: Date): Promise<boolean> {
  const updated = await tx.order.updateMany({
    where: { id: before.id, version: before.version },
    data: { ...stateColumns(after), updatedAt: now },
  });
  if (updated.count === 0) return false;
  if (JSON.stringify(before.lines) !== JSON.stringify(after.lines)) {
    await tx.orderLine.deleteMany({ where: { orderId: after.id } });
    await tx.orderLine.createMany({ data: lineRows(after) });
  }
  return true;
}

/**
 * What the order's events write beside the outbox, in the same transaction: its history
 * (`order_event`, read by `Order.timeline` and the saga) and, when an event is a step of the
 * checkout saga, the saga's state (`checkout_saga`), recomputed from that history.
 */
async function recordOrderEvents(
  tx: Tx,
  order: Order,
  events: DomainEvent[],
  now: Date,
): Promise<void> {
  const rows = events.filter((e) => e.aggregateType === "Order");
  if (rows.length === 0) return;
  await tx.orderEvent.createMany({
    data: rows.map((e) => ({
      eventId: e.id,
      orderId: e.aggregateId,
      type: e.type,
      version: e.aggregateVersion,
      occurredAt: new Date(e.occurredAt),
      payload: e.payload as Prisma.InputJsonValue,
      actor: e.metadata.actor,
    })),
  });
  await saveCheckoutSaga(tx, order, rows, now);
}

/** The one way an existing order is changed (`changeAggregate` with this store). */
export const orderStore: AggregateStore<Order, Tx> = {
  entity: "Order",
  load: findOrder,
  save: saveOrder,
  record: recordOrderEvents,
};

/** How a new order is written (`createAggregate` with this store). */
export const newOrderStore: NewAggregateStore<Order, Tx> = {
  entity: "Order",
  insert: insertOrder,
  record: recordOrderEvents,
};
