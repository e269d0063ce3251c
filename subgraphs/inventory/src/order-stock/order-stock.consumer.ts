import { nowOf } from "@shopstream/commands";
import { defineConsumer, parsePayload } from "@shopstream/events";
import { causedBy, type DomainEvent } from "@shopstream/outbox";
import { z } from "zod";
import { TX_OPTIONS } from "../context.ts";
import type { InventoryPrisma, InventoryTx } from "../db.ts";
import { reserveOrderStock } from "./reserve-order-stock.ts";
import {
  commitOrderStock,
  confirmOrderStock,
  type Reaction,
  releaseOrderStock,
} from "./settle-order-stock.ts";

const NAME = "inventory.order-stock";

const quantity = z.number().int().min(1);
const orderConfirmed = z.object({
  orderId: z.uuid(),
  // Every Order event carries its customer; older events in tests may not.
  customerId: z.uuid().optional(),
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

/**
 * The ordering context's Order events drive the order's stock (see order-stock.ts and
 * docs/inventory.md, "Reactions to other contexts' events"): OrderConfirmed reserves every line
 * (all or nothing → OrderStockReserved or OrderStockShortage), OrderPaid confirms,
 * OrderShipmentRecorded commits the shipped lines, OrderCancelled releases whatever is still
 * held, once. Each handler works in the runner's one transaction, so a failure rolls back every
 * stock change with the inbox row.
 */
export function createOrderStockConsumer(prisma: InventoryPrisma, opts: { now?: () => Date } = {}) {
  const reaction = (event: DomainEvent, tx: InventoryTx): Reaction => ({
    tx,
    metadata: causedBy(event, NAME),
    now: nowOf(opts),
  });
  return defineConsumer<InventoryTx>({
    name: NAME,
    source: "ordering",
    aggregateTypes: ["Order"],
    handlers: {
      OrderConfirmed: async (event, tx) => {
        const confirmed = parsePayload(orderConfirmed, event);
        // Who may see the order's reservations: its customer (an order's customer never changes,
        // so a redelivery writes nothing new).
        if (confirmed.customerId)
          await tx.$executeRaw`
            INSERT INTO order_owners (order_id, customer_id)
            VALUES (${confirmed.orderId}::uuid, ${confirmed.customerId}::uuid)
            ON CONFLICT (order_id) DO NOTHING`;
        await reserveOrderStock(reaction(event, tx), confirmed);
      },
      OrderPaid: async (event, tx) => {
        const { orderId } = parsePayload(orderPaid, event);
        await confirmOrderStock(reaction(event, tx), orderId);
      },
      OrderShipmentRecorded: async (event, tx) => {
        const shipment = parsePayload(shipmentRecorded, event);
        await commitOrderStock(reaction(event, tx), shipment.orderId, shipment);
      },
      OrderCancelled: async (event, tx) => {
        const { orderId, reason } = parsePayload(orderCancelled, event);
        await releaseOrderStock(reaction(event, tx), orderId, reason ?? "CANCELLED");
      },
    },
    // A flash sale queues many orders on one stock row: wait for it instead of timing out.
    transaction: (fn) => prisma.$transaction(fn, TX_OPTIONS),
    client: prisma,
  });
}
