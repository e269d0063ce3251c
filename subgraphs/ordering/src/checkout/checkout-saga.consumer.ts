import { changeAggregateIn, type DecideContext, nowOf } from "@shopstream/commands";
import { isDomainError } from "@shopstream/errors";
import {
  defineConsumer,
  type EventHandler,
  PermanentEventError,
  parsePayload,
} from "@shopstream/events";
import { causedBy, type DomainEvent } from "@shopstream/outbox";
import { z } from "zod";
import type { OrderingPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { orderStore } from "../orders/order.repository.ts";
import type { Order } from "../orders/order.ts";
import type { OrderDecision } from "../orders/order-events.ts";
import * as saga from "./checkout-saga.ts";

/**
 * Ordering's side of the checkout saga (docs/ordering.md, "The checkout saga"): three consumers,
 * one per source aggregate (a consumer follows one context). Each reaction goes through the
 * orders' one write path (`changeAggregateIn` with the order store: version guard, outbox,
 * `order_event` and `checkout_saga`) inside the consumer's transaction, and is idempotent on its
 * own (see checkout-saga.ts), besides the pipeline's inbox.
 */

type Tx = Prisma.TransactionClient;
type Options = { now?: () => Date };

const id = z.uuid();
const count = z.number().int();
/** Every Payment event names its payment and the order it pays. */
const paymentEvent = z.object({ paymentId: id, orderId: id });
const paymentSucceeded = paymentEvent.extend({ amount: z.object({ amount: count }) });
const paymentFailed = paymentEvent.extend({
  reason: z.string().catch("unknown"),
  attempt: count,
  attemptsLeft: count,
});
const paymentRetried = paymentEvent.extend({ attempt: count });
const refundCompleted = paymentEvent.extend({
  refundId: z.string().min(1),
  status: z.string().min(1),
  refundedTotal: count,
});
const reservationReleased = z.object({ orderId: id.nullish(), reason: z.string().nullish() });

async function historyOf(tx: Tx, orderId: string) {
  const rows = await tx.orderEvent.findMany({
    where: { orderId },
    select: { type: true },
    orderBy: { version: "asc" },
  });
  return saga.sagaHistory(rows.map((r) => r.type));
}

/**
 * Applies one saga reaction to an order. An order ordering does not know is skipped. A reaction
 * the status machine rejects is a permanent error (it would never apply on a retry), so it is
 * dead-lettered rather than retried for ever. CONFLICT (a concurrent change) is retried.
 */
async function react(
  tx: Tx,
  e: DomainEvent,
  orderId: string,
  actor: string,
  now: Date,
  decide: (order: Order, ctx: DecideContext<Tx>) => Promise<OrderDecision> | OrderDecision,
): Promise<void> {
  try {
    await changeAggregateIn(tx, orderStore, orderId, decide, causedBy(e, actor), now);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    // Not an order of ordering's (made directly through inventory or payments): nothing to do.
    if (error.code === "NOT_FOUND") return;
    if (["INVALID_STATE_TRANSITION", "VALIDATION_FAILED"].includes(error.code)) {
      throw new PermanentEventError(`${e.type} ${e.id} for order ${orderId}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * A handler for one Payment event of the checkout payment: parses the payload, skips payments
 * other than the order's checkout payment before looking the order up, and reacts.
 */
function onCheckoutPayment<P extends z.infer<typeof paymentEvent>>(
  schema: z.ZodType<P>,
  actor: string,
  opts: Options,
  reaction: (
    p: P,
  ) => (order: Order, ctx: DecideContext<Tx>) => Promise<OrderDecision> | OrderDecision,
): EventHandler<Tx> {
  return async (e, tx) => {
    const p = parsePayload(schema, e);
    if (p.paymentId !== saga.checkoutPaymentId(p.orderId)) return;
    await react(tx, e, p.orderId, actor, nowOf(opts), reaction(p));
  };
}

/** Inventory's OrderStock outcome: reserved → PAYMENT_PENDING; shortage → CANCELLED. */
export function createCheckoutSagaConsumer(prisma: OrderingPrisma, opts: Options = {}) {
  const actor = "ordering.checkout-saga";
  return defineConsumer<Tx>({
    name: actor,
    source: "inventory",
    aggregateTypes: ["OrderStock"],
    handlers: {
      OrderStockReserved: (e, tx) =>
        react(tx, e, e.aggregateId, actor, nowOf(opts), async (order, { tx: t }) =>
          saga.onStockReserved(order, await historyOf(t, order.id)),
        ),
      OrderStockShortage: (e, tx) =>
        react(tx, e, e.aggregateId, actor, nowOf(opts), (order) => saga.onStockShortage(order)),
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}

/**
 * Payments' Payment outcomes for the checkout payment: succeeded, failed, retried; and, after
 * the saga, its refund completed (a RETURNED or CANCELLED order becomes REFUNDED).
 */
export function createPaymentOutcomesConsumer(prisma: OrderingPrisma, opts: Options = {}) {
  const actor = "ordering.payment-outcomes";
  return defineConsumer<Tx>({
    name: actor,
    source: "payments",
    aggregateTypes: ["Payment"],
    handlers: {
      PaymentSucceeded: onCheckoutPayment(
        paymentSucceeded,
        actor,
        opts,
        (p) => (order) =>
          saga.onPaymentSucceeded(order, { paymentId: p.paymentId, amount: p.amount.amount }),
      ),
      PaymentFailed: onCheckoutPayment(
        paymentFailed,
        actor,
        opts,
        (p) =>
          async (order, { tx }) =>
            saga.onPaymentFailed(order, await historyOf(tx, order.id), p),
      ),
      PaymentRetried: onCheckoutPayment(
        paymentRetried,
        actor,
        opts,
        (p) =>
          async (order, { tx }) =>
            saga.onPaymentRetried(order, await historyOf(tx, order.id), p),
      ),
      RefundCompleted: onCheckoutPayment(
        refundCompleted,
        actor,
        opts,
        (p) => (order) =>
          saga.onRefundCompleted(order, {
            paymentId: p.paymentId,
            refundId: p.refundId,
            paymentStatus: p.status,
            refundedTotal: p.refundedTotal,
          }),
      ),
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}

/** Inventory's expired reservations: an order not yet paid is cancelled. */
export function createReservationExpiryConsumer(prisma: OrderingPrisma, opts: Options = {}) {
  const actor = "ordering.reservation-expiry";
  return defineConsumer<Tx>({
    name: actor,
    source: "inventory",
    aggregateTypes: ["Reservation"],
    handlers: {
      ReservationReleased: async (e, tx) => {
        const p = parsePayload(reservationReleased, e);
        // Only expiry concerns the saga; releases caused by a cancellation are its own echo.
        if (p.reason !== "EXPIRED" || !p.orderId) return;
        await react(tx, e, p.orderId, actor, nowOf(opts), (order) =>
          saga.onReservationReleased(order, { reason: p.reason }),
        );
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}
