import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import type { PaymentsPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { refundCancelledOrder, refundReturnedOrder } from "./payment-commands.ts";

const metadataOf = (e: DomainEvent) => ({
  correlationId: e.metadata.correlationId,
  causationId: e.id,
  idempotencyKey: null,
  actor: "payments.order-reactions",
});

/**
 * Payments' reactions to the ordering context: a cancelled order gets back whatever was
 * captured (now, or when a late success arrives); a returned order gets its refund amount back.
 */
export function createOrderReactionsConsumer(prisma: PaymentsPrisma) {
  const deps = { prisma };
  return defineConsumer<Prisma.TransactionClient>({
    name: "payments.order-reactions",
    source: "ordering",
    aggregateTypes: ["Order"],
    handlers: {
      OrderCancelled: async (e, tx) => {
        await refundCancelledOrder(deps, tx, e.aggregateId, metadataOf(e));
      },
      OrderReturned: async (e, tx) => {
        const p = e.payload as {
          refundRequired?: boolean;
          refundAmount?: number | { amount?: number } | null;
        };
        if (p.refundRequired === false) return;
        // Ordering raises `refundAmount` as Money ({ amount, currency }); a bare number is accepted too.
        const amount =
          typeof p.refundAmount === "object" && p.refundAmount !== null
            ? p.refundAmount.amount
            : p.refundAmount;
        if (!Number.isSafeInteger(amount) || (amount ?? 0) < 0) {
          throw new PermanentEventError(`OrderReturned ${e.id} has no valid refundAmount`);
        }
        await refundReturnedOrder(deps, tx, e.aggregateId, amount!, metadataOf(e));
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}
