import { DomainError } from "@shopstream/errors";
import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent, EventMetadata } from "@shopstream/outbox";
import type { OrderingPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { changeOrderIn } from "../orders/change-order.ts";
import type { Order, OrderDecision } from "../orders/order.ts";
import * as saga from "./checkout-saga.ts";

/**
 * Ordering's side of the checkout saga: three consumers, one per source aggregate (a consumer
 * follows one context). Each reaction goes through the orders' one write path (`changeOrderIn`:
 * version guard, outbox and `order_event` in one transaction) inside the consumer's transaction,
 * and is idempotent on its own (see checkout-saga.ts), besides the pipeline's inbox.
 */

const metadataOf = (e: DomainEvent, actor: string): EventMetadata => ({
  correlationId: e.metadata.correlationId,
  causationId: e.id,
  idempotencyKey: null,
  actor,
});

type Payload = Record<string, unknown>;

const str = (e: DomainEvent, p: Payload, field: string): string => {
  const v = p[field];
  if (typeof v !== "string" || v.length === 0) {
    throw new PermanentEventError(`${e.type} ${e.id}: payload.${field} is missing`);
  }
  return v;
};

const int = (e: DomainEvent, p: Payload, field: string): number => {
  const v = p[field];
  if (!Number.isSafeInteger(v)) {
    throw new PermanentEventError(`${e.type} ${e.id}: payload.${field} is not a whole number`);
  }
  return v as number;
};

async function historyOf(tx: Prisma.TransactionClient, orderId: string) {
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
  tx: Prisma.TransactionClient,
  e: DomainEvent,
  orderId: string,
  actor: string,
  decide: (order: Order, tx: Prisma.TransactionClient) => Promise<OrderDecision> | OrderDecision,
): Promise<void> {
  try {
    await changeOrderIn(tx, orderId, decide, metadataOf(e, actor));
  } catch (error) {
    // Not an order of ordering's (made directly through inventory or payments): nothing to do.
    if (error instanceof DomainError && error.code === "NOT_FOUND") return;
    if (
      error instanceof DomainError &&
      ["INVALID_STATE_TRANSITION", "VALIDATION_FAILED"].includes(error.code)
    ) {
      throw new PermanentEventError(`${e.type} ${e.id} for order ${orderId}: ${error.message}`);
    }
    throw error;
  }
}

const payloadOf = (e: DomainEvent) => (e.payload ?? {}) as Payload;

/** Inventory's OrderStock outcome: reserved → PAYMENT_PENDING; shortage → CANCELLED. */
export function createCheckoutSagaConsumer(prisma: OrderingPrisma) {
  const actor = "ordering.checkout-saga";
  return defineConsumer<Prisma.TransactionClient>({
    name: actor,
    source: "inventory",
    aggregateTypes: ["OrderStock"],
    handlers: {
      OrderStockReserved: (e, tx) =>
        react(tx, e, e.aggregateId, actor, async (order, t) =>
          saga.onStockReserved(order, await historyOf(t, order.id)),
        ),
      OrderStockShortage: (e, tx) =>
        react(tx, e, e.aggregateId, actor, (order) => saga.onStockShortage(order)),
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}

/**
 * Payments' Payment outcomes for the checkout payment: succeeded, failed, retried; and, after
 * the saga, its refund completed (a RETURNED or CANCELLED order becomes REFUNDED).
 */
export function createPaymentOutcomesConsumer(prisma: OrderingPrisma) {
  const actor = "ordering.payment-outcomes";
  return defineConsumer<Prisma.TransactionClient>({
    name: actor,
    source: "payments",
    aggregateTypes: ["Payment"],
    handlers: {
      PaymentSucceeded: async (e, tx) => {
        const p = payloadOf(e);
        const orderId = str(e, p, "orderId");
        const paymentId = str(e, p, "paymentId");
        // Only the saga's own payment moves the order; skip others before looking the order up.
        if (paymentId !== saga.checkoutPaymentId(orderId)) return;
        const amount = int(e, (p.amount ?? {}) as Payload, "amount");
        await react(tx, e, orderId, actor, (order) =>
          saga.onPaymentSucceeded(order, { paymentId, amount }),
        );
      },
      PaymentFailed: async (e, tx) => {
        const p = payloadOf(e);
        const orderId = str(e, p, "orderId");
        const paymentId = str(e, p, "paymentId");
        if (paymentId !== saga.checkoutPaymentId(orderId)) return;
        const failure = {
          paymentId,
          reason: typeof p.reason === "string" ? p.reason : "unknown",
          attempt: int(e, p, "attempt"),
          attemptsLeft: int(e, p, "attemptsLeft"),
        };
        await react(tx, e, orderId, actor, async (order, t) =>
          saga.onPaymentFailed(order, await historyOf(t, order.id), failure),
        );
      },
      PaymentRetried: async (e, tx) => {
        const p = payloadOf(e);
        const orderId = str(e, p, "orderId");
        const paymentId = str(e, p, "paymentId");
        if (paymentId !== saga.checkoutPaymentId(orderId)) return;
        const attempt = int(e, p, "attempt");
        await react(tx, e, orderId, actor, async (order, t) =>
          saga.onPaymentRetried(order, await historyOf(t, order.id), { paymentId, attempt }),
        );
      },
      RefundCompleted: async (e, tx) => {
        const p = payloadOf(e);
        const orderId = str(e, p, "orderId");
        const paymentId = str(e, p, "paymentId");
        if (paymentId !== saga.checkoutPaymentId(orderId)) return;
        const refund = {
          paymentId,
          refundId: str(e, p, "refundId"),
          paymentStatus: str(e, p, "status"),
          refundedTotal: int(e, p, "refundedTotal"),
        };
        await react(tx, e, orderId, actor, (order) => saga.onRefundCompleted(order, refund));
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}

/** Inventory's expired reservations: an order not yet paid is cancelled. */
export function createReservationExpiryConsumer(prisma: OrderingPrisma) {
  const actor = "ordering.reservation-expiry";
  return defineConsumer<Prisma.TransactionClient>({
    name: actor,
    source: "inventory",
    aggregateTypes: ["Reservation"],
    handlers: {
      ReservationReleased: async (e, tx) => {
        const p = payloadOf(e);
        // Only expiry concerns the saga; releases caused by a cancellation are its own echo.
        if (p.reason !== "EXPIRED" || typeof p.orderId !== "string") return;
        await react(tx, e, p.orderId, actor, (order) =>
          saga.onReservationReleased(order, { reason: p.reason }),
        );
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}
