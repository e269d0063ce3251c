import { changeAggregateIn } from "@shopstream/commands";
import { isDomainError } from "@shopstream/errors";
import { defaultMetadata } from "@shopstream/outbox";
import type { OrderingPrisma } from "../db.ts";
import { cartStore } from "./cart.repository.ts";
import { CART_IDLE_MS } from "./cart.ts";
import { abandonCart } from "./cart-lifecycle.ts";

/** A run gives up after skipping this many carts that turned out not to be idle. */
const MAX_SKIPPED = 1000;

/**
 * Scheduled job: abandons every ACTIVE cart idle for 24 h (reason IDLE). Each cart is its own
 * transaction with its CartAbandoned event. `FOR UPDATE SKIP LOCKED` lets several runs go at
 * once without waiting on or double-abandoning a cart; a cart that became active since it was
 * picked is left alone (the domain says it is not idle). Returns how many carts were abandoned.
 */
export async function abandonIdleCarts(prisma: OrderingPrisma, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - CART_IDLE_MS);
  const metadata = defaultMetadata({ actor: "job:abandon-idle-carts" });
  let abandoned = 0;
  const skipped = new Set<string>();
  for (;;) {
    const outcome = await prisma.$transaction(
      async (tx): Promise<"done" | "skipped" | "abandoned"> => {
        const ids = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM cart
        WHERE status = 'ACTIVE' AND last_activity_at <= ${cutoff}
          AND NOT (id = ANY(${[...skipped]}::uuid[]))
        ORDER BY last_activity_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED`;
        const id = ids[0]?.id;
        if (!id) return "done";
        try {
          const cart = await changeAggregateIn(
            tx,
            cartStore,
            id,
            (current) => abandonCart(current, "IDLE", now),
            metadata,
            now,
          );
          if (cart.status === "ABANDONED") return "abandoned";
        } catch (error) {
          // Gone, no longer idle, or changed meanwhile: not this run's to abandon.
          if (!isDomainError(error)) throw error;
        }
        skipped.add(id);
        return "skipped";
      },
    );
    if (outcome === "done") return abandoned;
    if (outcome === "abandoned") abandoned += 1;
    if (skipped.size > MAX_SKIPPED) return abandoned;
  }
}
