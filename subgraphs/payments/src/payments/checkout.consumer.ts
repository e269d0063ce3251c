import { DomainError } from "@shopstream/errors";
import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import type { PaymentsPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { initiatePayment } from "./payment-commands.ts";

/** The idempotency key of an order's checkout payment (ordering derives the payment id from it). */
export const checkoutIdempotencyKey = (orderId: string) => `order:${orderId}:payment`;

/**
 * Payments' step of the checkout saga: an order awaiting payment (OrderPaymentPending, raised
 * when inventory reserved its stock and again when a failed payment is retried) gets its payment
 * for the grand total, with the id ordering chose and the key `order:<orderId>:payment`, in this
 * consumer's transaction. Initiation is idempotent on the key, so a repeat (a redelivery or the
 * retry's OrderPaymentPending) returns the existing payment and raises nothing. Its
 * PaymentInitiated event reaches the provider through `payments.provider-dispatch`.
 */
export function createCheckoutConsumer(prisma: PaymentsPrisma) {
  const deps = { prisma };
  const handle = async (e: DomainEvent, tx: Prisma.TransactionClient) => {
    const p = (e.payload ?? {}) as {
      paymentId?: unknown;
      amount?: { amount?: unknown; currency?: unknown };
    };
    const amount = p.amount?.amount;
    const currency = p.amount?.currency;
    if (
      typeof p.paymentId !== "string" ||
      !Number.isSafeInteger(amount) ||
      typeof currency !== "string"
    ) {
      throw new PermanentEventError(`${e.type} ${e.id}: needs paymentId and amount`);
    }
    try {
      await initiatePayment(
        deps,
        {
          orderId: e.aggregateId,
          amount: { amount: amount as number, currency },
          idempotencyKey: checkoutIdempotencyKey(e.aggregateId),
        },
        {
          correlationId: e.metadata.correlationId,
          causationId: e.id,
          idempotencyKey: null,
          actor: "payments.checkout",
        },
        { tx, id: p.paymentId },
      );
    } catch (error) {
      // A bad amount, or the key already used for another amount: retrying cannot help.
      if (error instanceof DomainError) {
        throw new PermanentEventError(`${e.type} ${e.id}: ${error.message}`);
      }
      throw error;
    }
  };
  return defineConsumer<Prisma.TransactionClient>({
    name: "payments.checkout",
    source: "ordering",
    aggregateTypes: ["Order"],
    handlers: { OrderPaymentPending: handle },
    transaction: (fn) => prisma.$transaction(fn),
  });
}
