import type { ContextName } from "@shopstream/db";
import { type EventConsumer, pruneInbox } from "@shopstream/events";
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
import { type PoolPlan, planPools } from "./pipeline/pool-plan.ts";
import type { ScheduledTask } from "./pipeline/scheduler.ts";

/** The contexts whose databases the consumers write to, with their consumers. */
type ConsumerContext = Exclude<ContextName, "catalogue">;

const declare = {
  identity: (prisma: never) => identityConsumers(prisma),
  inventory: (prisma: never) => inventoryConsumers(prisma),
  ordering: (prisma: never) => orderingConsumers(prisma),
  payments: (prisma: never, providerUrl = "http://127.0.0.1:4020") =>
    paymentsConsumers(prisma, { providerUrl }),
} satisfies Record<ConsumerContext, (prisma: never) => unknown[]>;

/**
 * How many consumers write to each context's database. Declaring a consumer only closes over
 * its Prisma client (it touches the database when it runs), so a client that refuses every use
 * proves it while the consumers are counted, before any pool is sized.
 */
export function consumersPerContext(): Record<ConsumerContext, number> {
  const untouchable = new Proxy(
    {},
    {
      get(_target, key) {
        throw new Error(`a consumer used its Prisma client (${String(key)}) while being declared`);
      },
    },
  ) as never;
  return {
    identity: declare.identity(untouchable).length,
    inventory: declare.inventory(untouchable).length,
    ordering: declare.ordering(untouchable).length,
    payments: declare.payments(untouchable).length,
  };
}

/** Each consumer context's pool size and transactions per consumer (throws a ConfigError). */
export function consumerPoolPlans(configured: {
  poolSize?: number;
  transactions?: number;
}): Record<ConsumerContext, PoolPlan> {
  return planPools(consumersPerContext(), configured) as Record<ConsumerContext, PoolPlan>;
}

/**
 * Every consumer and scheduled task of the system, as declared by the context that owns its
 * effect. The relays route by the consumer list; the runner starts one queue worker for each,
 * with `transactions[consumer]` transactions at most, which its context's pool holds.
 */
export function createRegistry(
  databaseUrls: Record<ContextName, string>,
  opts: {
    poolSize?: number;
    transactions?: number;
    reservationExpiryEveryMs?: number;
    paymentProviderUrl?: string;
    /** Inbox rows of events older than this are pruned every few minutes (default 1 h). */
    inboxRetentionMs?: number;
  } = {},
) {
  const plans = consumerPoolPlans({ poolSize: opts.poolSize, transactions: opts.transactions });
  const identity = createIdentityPrisma(databaseUrls.identity, plans.identity);
  const inventory = createInventoryPrisma(databaseUrls.inventory, plans.inventory);
  const ordering = createOrderingPrisma(databaseUrls.ordering, plans.ordering);
  const payments = createPaymentsPrisma(databaseUrls.payments, plans.payments);
  // Each context types its consumers with its own Prisma transaction client; the runner only
  // needs the raw-SQL slice of it (ConsumerTransaction).
  const byContext: Record<ConsumerContext, EventConsumer[]> = {
    identity: declare.identity(identity as never),
    inventory: declare.inventory(inventory as never),
    ordering: declare.ordering(ordering as never),
    payments: declare.payments(payments as never, opts.paymentProviderUrl),
  } as unknown as Record<ConsumerContext, EventConsumer[]>;
  const consumers = Object.values(byContext).flat();
  const transactions: Record<string, number> = {};
  for (const [context, list] of Object.entries(byContext) as [ConsumerContext, EventConsumer[]][])
    for (const c of list) transactions[c.name] = plans[context].transactions;
  const inboxRetentionMs = opts.inboxRetentionMs ?? 3_600_000;
  const tasks: ScheduledTask[] = [
    ...inventoryScheduledTasks(inventory, {
      reservationExpiryEveryMs: opts.reservationExpiryEveryMs,
    }),
    ...orderingScheduledTasks(ordering),
    {
      name: "pipeline.prune-inboxes",
      everyMs: 5 * 60_000,
      async run(now) {
        const before = new Date(now.getTime() - inboxRetentionMs);
        let pruned = 0;
        for (const c of consumers) pruned += await pruneInbox(c, before);
        return pruned;
      },
    },
  ];
  return {
    consumers,
    transactions,
    plans,
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
