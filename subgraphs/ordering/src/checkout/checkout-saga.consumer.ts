import { changeAggregateIn, type Decide, nowOf } from "@shopstream/commands";
import { isDomainError } from "@shopstream/errors";
import {
  defineConsumer,
  type EventConsumer,
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
type PaymentEvent = z.infer<typeof paymentEvent>;
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

/** Applies one saga reaction to the order `orderId`, caused by `e`. */
type React = (tx: Tx, e: DomainEvent, orderId: string, decide: Decide<Order, Tx>) => Promise<void>;

/**
 * A saga consumer. Its reactions are recorded as caused by the event, with the consumer as actor
 * and its clock. An order ordering does not know is skipped (made directly through inventory or
 * payments). A reaction the status machine rejects is a permanent error (it would never apply on
 * a retry), so it is dead-lettered rather than retried for ever; CONFLICT (a concurrent change)
 * is retried.
 */
function sagaConsumer(
  prisma: OrderingPrisma,
  opts: Options,
  consumer: Pick<EventConsumer<Tx>, "name" | "source" | "aggregateTypes">,
  handlers: (react: React) => Record<string, EventHandler<Tx>>,
) {
  const react: React = async (tx, e, orderId, decide) => {
    const metadata = causedBy(e, consumer.name);
    try {
      await changeAggregateIn(tx, orderStore, orderId, decide, metadata, nowOf(opts));
    } catch (error) {
      if (!isDomainError(error)) throw error;
      if (error.code === "NOT_FOUND") return;
      if (["INVALID_STATE_TRANSITION", "VALIDATION_FAILED"].includes(error.code)) {
        throw new PermanentEventError(`${e.type} ${e.id} for order ${orderId}: ${error.message}`);
      }
      throw error;
    }
  };
  return defineConsumer<Tx>({
    ...consumer,
    handlers: handlers(react),
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}

async function historyOf(tx: Tx, orderId: string) {
  const rows = await tx.orderEvent.findMany({
    where: { orderId },
    select: { type: true },
    orderBy: { version: "asc" },
  });
  return saga.sagaHistory(rows.map((r) => r.type));
}

/**
 * A handler for a Payment event: parses its payload, then reacts on the order it pays, but only
 * for the order's checkout payment (others are skipped before the order is looked up).
 */
const onCheckoutPayment =
  <P extends PaymentEvent>(
    schema: z.ZodType<P>,
    react: React,
    decide: (order: Order, payment: P, tx: Tx) => OrderDecision | Promise<OrderDecision>,
  ): EventHandler<Tx> =>
  async (e, tx) => {
    const p = parsePayload(schema, e);
    if (p.paymentId !== saga.checkoutPaymentId(p.orderId)) return;
    await react(tx, e, p.orderId, (order, ctx) => decide(order, p, ctx.tx));
  };

/** Inventory's OrderStock outcome: reserved → PAYMENT_PENDING; shortage → CANCELLED. */
export const createCheckoutSagaConsumer = (prisma: OrderingPrisma, opts: Options = {}) =>
  sagaConsumer(
    prisma,
    opts,
    { name: "ordering.checkout-saga", source: "inventory", aggregateTypes: ["OrderStock"] },
    (react) => ({
      OrderStockReserved: (e, tx) =>
        react(tx, e, e.aggregateId, async (order) =>
          saga.onStockReserved(order, await historyOf(tx, order.id)),
        ),
      OrderStockShortage: (e, tx) =>
        react(tx, e, e.aggregateId, (order) => saga.onStockShortage(order)),
    }),
  );

/**
 * Payments' Payment outcomes for the checkout payment: succeeded, failed, retried; and, after
 * the saga, its refund completed (a RETURNED or CANCELLED order becomes REFUNDED).
 */
export const createPaymentOutcomesConsumer = (prisma: OrderingPrisma, opts: Options = {}) =>
  sagaConsumer(
    prisma,
    opts,
    { name: "ordering.payment-outcomes", source: "payments", aggregateTypes: ["Payment"] },
    (react) => ({
      PaymentSucceeded: onCheckoutPayment(paymentSucceeded, react, (order, p) =>
        saga.onPaymentSucceeded(order, { paymentId: p.paymentId, amount: p.amount.amount }),
      ),
      PaymentFailed: onCheckoutPayment(paymentFailed, react, async (order, p, tx) =>
        saga.onPaymentFailed(order, await historyOf(tx, order.id), p),
      ),
      PaymentRetried: onCheckoutPayment(paymentRetried, react, async (order, p, tx) =>
        saga.onPaymentRetried(order, await historyOf(tx, order.id), p),
      ),
      RefundCompleted: onCheckoutPayment(refundCompleted, react, (order, p) =>
        saga.onRefundCompleted(order, { ...p, paymentStatus: p.status }),
      ),
    }),
  );

/** Inventory's expired reservations: an order not yet paid is cancelled. */
export const createReservationExpiryConsumer = (prisma: OrderingPrisma, opts: Options = {}) =>
  sagaConsumer(
    prisma,
    opts,
    { name: "ordering.reservation-expiry", source: "inventory", aggregateTypes: ["Reservation"] },
    (react) => ({
      ReservationReleased: async (e, tx) => {
        const p = parsePayload(reservationReleased, e);
        // Only expiry concerns the saga; releases caused by a cancellation are its own echo.
        if (p.reason !== "EXPIRED" || !p.orderId) return;
        await react(tx, e, p.orderId, (order) =>
          saga.onReservationReleased(order, { reason: p.reason }),
        );
      },
    }),
  );
