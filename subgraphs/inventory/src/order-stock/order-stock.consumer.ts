import { defineConsumer, PermanentEventError } from "@shopstream/events";
import type { DomainEvent, EventMetadata } from "@shopstream/outbox";
import { z } from "zod";
import type { InventoryPrisma } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { TX_OPTIONS } from "../shared/command.ts";
import { reserveOrderStock } from "./reserve-order-stock.ts";
import { commitOrderStock, confirmOrderStock, releaseOrderStock } from "./settle-order-stock.ts";

type Tx = Prisma.TransactionClient;

const NAME = "inventory.order-stock";

const quantity = z.number().int().min(1);
const orderConfirmed = z.object({
  orderId: z.uuid(),
  lines: z.array(z.object({ lineId: z.string().min(1), variantId: z.uuid(), quantity })).min(1),
});
const orderPaid = z.object({ orderId: z.uuid() });
const shipmentRecorded = z.object({
  orderId: z.uuid(),
  shipmentId: z.string().min(1),
  lines: z.array(z.object({ lineId: z.string().min(1), quantity })),
  unshipped: z.array(z.object({ lineId: z.string().min(1), quantity: z.number().int().min(0) })),
});
const orderCancelled = z.object({ orderId: z.uuid(), reason: z.string().nullish() });

/** The payload as `schema` reads it; a payload it refuses can never apply (dead-lettered). */
function parse<T>(schema: z.ZodType<T>, event: DomainEvent): T {
  const parsed = schema.safeParse(event.payload);
  if (!parsed.success) {
    throw new PermanentEventError(
      `${event.type} ${event.id}: invalid payload: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

const metadataOf = (event: DomainEvent): EventMetadata => ({
  correlationId: event.metadata.correlationId,
  causationId: event.id,
  idempotencyKey: null,
  actor: NAME,
});

/**
 * The ordering context's Order events drive the order's stock (see order-stock.ts):
 * OrderConfirmed reserves every line (all or nothing → OrderStockReserved or
 * OrderStockShortage), OrderPaid confirms, OrderShipmentRecorded commits the shipped lines,
 * OrderCancelled releases whatever is still held, once. Each handler works in the runner's one
 * transaction, so a failure rolls back every stock change with the inbox row.
 */
export function createOrderStockConsumer(prisma: InventoryPrisma, opts: { now?: () => Date } = {}) {
  const now = () => opts.now?.() ?? new Date();
  return defineConsumer<Tx>({
    name: NAME,
    source: "ordering",
    aggregateTypes: ["Order"],
    handlers: {
      OrderConfirmed: async (event, tx) => {
        const p = parse(orderConfirmed, event);
        await reserveOrderStock(tx, p, metadataOf(event), now());
      },
      OrderPaid: async (event, tx) => {
        const p = parse(orderPaid, event);
        await confirmOrderStock(tx, p.orderId, metadataOf(event), now());
      },
      OrderShipmentRecorded: async (event, tx) => {
        const p = parse(shipmentRecorded, event);
        await commitOrderStock(tx, p.orderId, p, metadataOf(event), now());
      },
      OrderCancelled: async (event, tx) => {
        const p = parse(orderCancelled, event);
        await releaseOrderStock(tx, p.orderId, p.reason ?? "CANCELLED", metadataOf(event), now());
      },
    },
    // A flash sale queues many orders on one stock row: wait for it instead of timing out.
    transaction: (fn) => prisma.$transaction(fn, TX_OPTIONS),
  });
}
