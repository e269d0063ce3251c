import { defineConsumer, PermanentEventError, parsePayload } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import { z } from "zod";
import type { PaymentsTx } from "../context.ts";
import type { PaymentsPrisma } from "../db.ts";
import { money, uuid } from "../shared/payloads.ts";

/** PaymentInitiated and PaymentRetried name their attempt; the stored one stands in if not. */
const charge = z.object({ attempt: z.number().int().min(1).optional() });
const refundRequested = z.object({ refundId: uuid, amount: money });

/**
 * Sends charges and refunds to the payment provider. It runs off the outbox rather than inside
 * the mutation, so a payment committed is a charge sent, even if the process dies right after
 * the commit; the provider de-duplicates charges on (payment, attempt), and a repeated refund
 * report changes nothing here. It writes nothing itself, so it needs no clock.
 */
export function createProviderDispatchConsumer(prisma: PaymentsPrisma, providerUrl: string) {
  const post = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(new URL(path, providerUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    if (res.status >= 400 && res.status < 500) {
      throw new PermanentEventError(`provider refused ${path}: ${res.status} ${await res.text()}`);
    }
    if (!res.ok) throw new Error(`provider answered ${res.status} for ${path}`);
  };
  const sendCharge = async (e: DomainEvent) => {
    const p = parsePayload(charge, e);
    const payment = await prisma.payment.findUniqueOrThrow({ where: { id: e.aggregateId } });
    await post("/charges", {
      paymentId: e.aggregateId,
      orderId: payment.orderId,
      attempt: p.attempt ?? payment.attempts,
      amount: payment.amount,
      currency: payment.currency,
    });
  };
  return defineConsumer<PaymentsTx>({
    name: "payments.provider-dispatch",
    source: "payments",
    aggregateTypes: ["Payment"],
    handlers: {
      PaymentInitiated: sendCharge,
      PaymentRetried: sendCharge,
      RefundRequested: async (e) => {
        const p = parsePayload(refundRequested, e);
        await post("/refunds", {
          paymentId: e.aggregateId,
          refundId: p.refundId,
          amount: p.amount.amount,
        });
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}
