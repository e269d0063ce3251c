import type { PaymentsPrisma } from "./db.ts";
import { createInvoiceSettlementConsumer } from "./invoices/invoice-settlement.consumer.ts";
import { createOrderOwnersConsumer } from "./orders/order-owners.ts";
import { createCheckoutConsumer } from "./payments/checkout.consumer.ts";
import { createOrderReactionsConsumer } from "./payments/order-reactions.consumer.ts";
import { createProviderDispatchConsumer } from "./payments/provider-dispatch.consumer.ts";

/** The payments context's event consumers (run by the workers process). */
export function paymentsConsumers(
  prisma: PaymentsPrisma,
  opts: { providerUrl: string; now?: () => Date },
) {
  const clock = { now: opts.now };
  return [
    createProviderDispatchConsumer(prisma, opts.providerUrl),
    createOrderReactionsConsumer(prisma, clock),
    createCheckoutConsumer(prisma, clock),
    createInvoiceSettlementConsumer(prisma, clock),
    createOrderOwnersConsumer(prisma),
  ];
}
