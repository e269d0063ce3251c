import { type ContextName, DEFAULT_POOL_SIZE } from "@shopstream/db";
import type { EventConsumer } from "@shopstream/events";
import { createIdentityPrisma, identityConsumers } from "@shopstream/identity";
import {
  createInventoryPrisma,
  inventoryConsumers,
  inventoryScheduledTasks,
} from "@shopstream/inventory";
import {
  createOrderingPrisma,
  orderingConsumers,
  orderingScheduledTasks,
} from "@shopstream/ordering";
import { createPaymentsPrisma, paymentsConsumers } from "@shopstream/payments";
import type { ScheduledTask } from "./pipeline/scheduler.ts";

/**
 * Every consumer and scheduled task of the system, as declared by the context that owns its
 * effect. The relays route by the consumer list; the runner starts one queue worker for each.
 */
export function createRegistry(
  databaseUrls: Record<ContextName, string>,
  opts: { poolSize?: number; reservationExpiryEveryMs?: number; paymentProviderUrl?: string } = {},
) {
  const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
  const identity = createIdentityPrisma(databaseUrls.identity, { poolSize });
  const inventory = createInventoryPrisma(databaseUrls.inventory, { poolSize });
  const ordering = createOrderingPrisma(databaseUrls.ordering, { poolSize });
  const payments = createPaymentsPrisma(databaseUrls.payments, { poolSize });
  // Each context types its consumers with its own Prisma transaction client; the runner only
  // needs the raw-SQL slice of it (ConsumerTransaction).
  const consumers = [
    ...identityConsumers(identity),
    ...inventoryConsumers(inventory),
    ...orderingConsumers(ordering),
    ...paymentsConsumers(payments, {
      providerUrl: opts.paymentProviderUrl ?? "http://127.0.0.1:4020",
    }),
  ] as unknown as EventConsumer[];
  const tasks: ScheduledTask[] = [
    ...inventoryScheduledTasks(inventory, {
      reservationExpiryEveryMs: opts.reservationExpiryEveryMs,
    }),
    ...orderingScheduledTasks(ordering),
  ];
  return {
    consumers,
    tasks,
    async disconnect() {
      await Promise.all([
        identity.$disconnect(),
        inventory.$disconnect(),
        ordering.$disconnect(),
        payments.$disconnect(),
      ]);
    },
  };
}
