import { type ContextName, DEFAULT_POOL_SIZE } from "@shopstream/db";
import type { EventConsumer } from "@shopstream/events";
import { identityConsumers } from "@shopstream/identity/src/consumers.ts";
import { createIdentityPrisma } from "@shopstream/identity/src/db.ts";
import { inventoryConsumers } from "@shopstream/inventory/src/consumers.ts";
import { createInventoryPrisma } from "@shopstream/inventory/src/db.ts";
import { releaseExpiredReservations } from "@shopstream/inventory/src/reservations/release-expired-reservations.ts";
import { abandonIdleCarts } from "@shopstream/ordering/src/carts/abandon-idle-carts.ts";
import { orderingConsumers } from "@shopstream/ordering/src/consumers.ts";
import { createOrderingPrisma } from "@shopstream/ordering/src/db.ts";
import { paymentsConsumers } from "@shopstream/payments/src/consumers.ts";
import { createPaymentsPrisma } from "@shopstream/payments/src/db.ts";
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
    {
      name: "inventory.release-expired-reservations",
      everyMs: opts.reservationExpiryEveryMs ?? 15_000,
      run: (now) => releaseExpiredReservations(inventory, now),
    },
    {
      // Carts idle for 24 hours are abandoned; checking every 10 minutes is precise enough.
      name: "ordering.abandon-idle-carts",
      everyMs: 10 * 60_000,
      run: (now) => abandonIdleCarts(ordering, now),
    },
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
