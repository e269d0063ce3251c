import { isDomainError } from "@shopstream/errors";
import {
  defineConsumer,
  type EventHandler,
  PermanentEventError,
  parsePayload,
} from "@shopstream/events";
import { causedBy } from "@shopstream/outbox";
import { z } from "zod";
import type { PaymentsTx } from "../context.ts";
import type { PaymentsPrisma } from "../db.ts";
import { type ConsumerOptions, money, uuid } from "../shared/payloads.ts";
import { initiatePayment } from "./payment-commands.ts";

const NAME = "payments.checkout";

const orderPaymentPending = z.object({ paymentId: uuid, amount: money });

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
export function createCheckoutConsumer(prisma: PaymentsPrisma, opts: ConsumerOptions = {}) {
  const initiateCheckoutPayment: EventHandler<PaymentsTx> = async (e, tx) => {
    const { paymentId, amount } = parsePayload(orderPaymentPending, e);
    const orderId = e.aggregateId;
    try {
      await initiatePayment(
        { prisma, now: opts.now },
        { orderId, amount, idempotencyKey: checkoutIdempotencyKey(orderId) },
        causedBy(e, NAME),
        { tx, id: paymentId },
      );
    } catch (error) {
      // A bad amount, or the key already used for another amount: retrying cannot help.
      if (isDomainError(error))
        throw new PermanentEventError(`${e.type} ${e.id}: ${error.message}`);
      throw error;
    }
  };
  return defineConsumer<PaymentsTx>({
    name: NAME,
    source: "ordering",
    aggregateTypes: ["Order"],
    handlers: { OrderPaymentPending: initiateCheckoutPayment },
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
