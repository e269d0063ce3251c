import { nowOf } from "@shopstream/commands";
import { defineConsumer, type EventHandler, parsePayload } from "@shopstream/events";
import { causedBy } from "@shopstream/outbox";
import { z } from "zod";
import type { PaymentsTx } from "../context.ts";
import type { PaymentsPrisma } from "../db.ts";
import { type ConsumerOptions, money, uuid } from "../shared/payloads.ts";
import { refundCancelledOrder, refundReturnedOrder } from "./payment-commands.ts";

const NAME = "payments.order-reactions";

const orderCancelled = z.object({ orderId: uuid });

const refundAmount = z.number().int().min(0);
/** Ordering raises `refundAmount` as Money (a bare number is accepted too), unless no refund is required. */
const orderReturned = z.union([
  orderCancelled.extend({ refundRequired: z.literal(false) }),
  orderCancelled.extend({
    refundRequired: z.literal(true).optional(),
    refundAmount: z.union([refundAmount, money.extend({ amount: refundAmount })]),
  }),
]);

/**
 * Payments' reactions to the ordering context: a cancelled order gets back whatever was
 * captured (now, or when a late success arrives); a returned order gets its refund amount back.
 */
export function createOrderReactionsConsumer(prisma: PaymentsPrisma, opts: ConsumerOptions = {}) {
  const refundCancellation: EventHandler<PaymentsTx> = async (e, tx) => {
    const { orderId } = parsePayload(orderCancelled, e);
    await refundCancelledOrder(tx, orderId, causedBy(e, NAME), nowOf(opts));
  };
  const refundReturn: EventHandler<PaymentsTx> = async (e, tx) => {
    const p = parsePayload(orderReturned, e);
    if (!("refundAmount" in p)) return;
    const amount = typeof p.refundAmount === "number" ? p.refundAmount : p.refundAmount.amount;
    await refundReturnedOrder(tx, p.orderId, amount, causedBy(e, NAME), nowOf(opts));
  };
  return defineConsumer<PaymentsTx>({
    name: NAME,
    source: "ordering",
    aggregateTypes: ["Order"],
    handlers: { OrderCancelled: refundCancellation, OrderReturned: refundReturn },
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
