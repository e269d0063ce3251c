import {
  createCheckoutSagaConsumer,
  createPaymentOutcomesConsumer,
  createReservationExpiryConsumer,
} from "./checkout/checkout-saga.consumer.ts";
import { createCustomerViewConsumer } from "./customers/customer-view.consumer.ts";
import type { OrderingPrisma } from "./db.ts";
import { createPriceViewConsumer } from "./pricing/price-view.consumer.ts";

/** The ordering context's event consumers (run by the workers process). */
export function orderingConsumers(prisma: OrderingPrisma) {
  return [
    createPriceViewConsumer(prisma),
    createCustomerViewConsumer(prisma),
    createCheckoutSagaConsumer(prisma),
    createPaymentOutcomesConsumer(prisma),
    createReservationExpiryConsumer(prisma),
  ];
}
