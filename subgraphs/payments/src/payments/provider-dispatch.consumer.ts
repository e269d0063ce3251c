import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import type { PaymentsPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";

/**
 * Sends charges and refunds to the payment provider. It runs off the outbox rather than inside
 * the mutation, so a payment committed is a charge sent, even if the process dies right after
 * the commit; the provider de-duplicates charges on (payment, attempt), and a repeated refund
 * report changes nothing here.
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
  const payload = (e: DomainEvent) =>
    e.payload as Record<string, unknown> & { amount?: { amount: number; currency: string } };
  const charge = async (e: DomainEvent) => {
    const p = payload(e);
    const payment = await prisma.payment.findUniqueOrThrow({ where: { id: e.aggregateId } });
    await post("/charges", {
      paymentId: e.aggregateId,
      orderId: payment.orderId,
      attempt: (p.attempt as number | undefined) ?? payment.attempts,
      amount: payment.amount,
      currency: payment.currency,
    });
  };
  return defineConsumer<Prisma.TransactionClient>({
    name: "payments.provider-dispatch",
    source: "payments",
    aggregateTypes: ["Payment"],
    handlers: {
      PaymentInitiated: charge,
      PaymentRetried: charge,
      RefundRequested: async (e) => {
        const p = payload(e);
        await post("/refunds", {
          paymentId: e.aggregateId,
          refundId: p.refundId,
          amount: p.amount?.amount,
        });
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}
