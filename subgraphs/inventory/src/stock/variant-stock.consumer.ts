import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent } from "@shopstream/outbox";
import { z } from "zod";
import type { InventoryPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { initializeStockIfAbsent } from "./initialize-stock.ts";

type Tx = Prisma.TransactionClient;

const productVariantAdded = z.object({ variantId: z.uuid() });

/** The variant a ProductVariantAdded event introduces; a payload without one is permanent. */
export function variantIdOf(event: DomainEvent): string {
  const parsed = productVariantAdded.safeParse(event.payload);
  if (!parsed.success) {
    throw new PermanentEventError(
      `${event.type} ${event.id}: invalid payload: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data.variantId;
}

/**
 * A new catalogue variant gets a stock item (all quantities 0) in the default warehouse. The
 * (variant, warehouse) unique index makes a redelivered, replayed or raced event a no-op, on top
 * of the runner's inbox.
 */
export function createVariantStockConsumer(prisma: InventoryPrisma) {
  return defineConsumer<Tx>({
    name: "inventory.variant-stock",
    source: "catalogue",
    aggregateTypes: ["ProductVariant"],
    handlers: {
      ProductVariantAdded: async (event, tx) => {
        await initializeStockIfAbsent(
          tx,
          { variantId: variantIdOf(event) },
          {
            correlationId: event.metadata.correlationId,
            causationId: event.id,
            idempotencyKey: null,
            actor: "inventory.variant-stock",
          },
          new Date(),
        );
      },
    },
    transaction: (fn) => prisma.$transaction(fn),
  });
}
