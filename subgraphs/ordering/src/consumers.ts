import type { ScheduledTask } from "@shopstream/events";
import { abandonIdleCarts } from "./carts/abandon-idle-carts.ts";
import {
  createCheckoutSagaConsumer,
  createPaymentOutcomesConsumer,
  createReservationExpiryConsumer,
} from "./checkout/checkout-saga.consumer.ts";
import { createCustomerViewConsumer } from "./customers/customer-view.consumer.ts";
import type { OrderingPrisma } from "./db.ts";
import { createPriceViewConsumer } from "./pricing/price-view.consumer.ts";

/** The ordering context's event consumers (run by the workers process); `now` is their clock. */
export function orderingConsumers(prisma: OrderingPrisma, opts: { now?: () => Date } = {}) {
  return [
    createPriceViewConsumer(prisma, opts),
    createCustomerViewConsumer(prisma, opts),
    createCheckoutSagaConsumer(prisma, opts),
    createPaymentOutcomesConsumer(prisma, opts),
    createReservationExpiryConsumer(prisma, opts),
  ];
}

/** The ordering context's periodic jobs; the workers run them. */
export function orderingScheduledTasks(prisma: OrderingPrisma): ScheduledTask[] {
  return [
    {
      // Carts idle for 24 hours are abandoned; checking every 10 minutes is precise enough.
      name: "ordering.abandon-idle-carts",
      everyMs: 10 * 60_000,
      run: (now) => abandonIdleCarts(prisma, now),
    },
  ];
}
