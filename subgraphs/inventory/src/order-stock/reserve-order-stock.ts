import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, toEnvelope } from "@shopstream/outbox";
import type { InventoryDb } from "../db.ts";
import { stockItemsForVariant } from "../reservations/reservation.repository.ts";
import type { Reservation } from "../reservations/reservation.ts";
import { reserveStockIn } from "../reservations/reserve-stock.ts";
import { insertOrderStock, lockOrderStock } from "./order-stock.repository.ts";
import {
  type OrderLine,
  type OrderStock,
  reservationOrder,
  reserved,
  type Shortage,
  shortage,
} from "./order-stock.ts";

const SAVEPOINT = "order_stock_reserve";

/** Reservation failures that mean "not from this stock item", so the next one is tried. */
const notHere = (e: unknown) =>
  e instanceof DomainError &&
  (e.code === "INSUFFICIENT_STOCK" || e.code === "INVALID_STATE_TRANSITION");

/**
 * OrderConfirmed → reserves every line of the order, all or nothing, inside the caller's
 * transaction `tx`. Each line is held whole on one stock item of its variant (default warehouse
 * first, then any active warehouse; a line is never split across warehouses) through the
 * guarded reservation path, which raises the usual StockItem and Reservation events. When some
 * line cannot be held, every reservation made so far is rolled back (to a savepoint, so the
 * outcome can still be committed) and OrderStockShortage lists each short line with what its
 * best stock item holds. An order already recorded is left alone (redelivery, replay).
 */
export async function reserveOrderStock(
  tx: InventoryDb,
  order: { orderId: string; lines: OrderLine[] },
  metadata: EventMetadata,
  now: Date,
): Promise<OrderStock> {
  const existing = await lockOrderStock(tx, order.orderId);
  if (existing) return existing;

  await tx.$executeRawUnsafe(`SAVEPOINT ${SAVEPOINT}`);
  const held: { line: OrderLine; reservation: Reservation }[] = [];
  const short: OrderLine[] = [];
  for (const line of reservationOrder(order.lines)) {
    const reservation = await reserveLine(tx, order.orderId, line, metadata, now);
    if (reservation) held.push({ line, reservation });
    else short.push(line);
  }

  let decision: ReturnType<typeof reserved>;
  if (short.length === 0) {
    await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    decision = reserved(order.orderId, held, now);
  } else {
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    const shortages: Shortage[] = [];
    for (const line of short) {
      const items = await stockItemsForVariant(tx, line.variantId);
      const available = Math.max(0, ...items.map((i) => i.available));
      shortages.push({ variantId: line.variantId, requested: line.quantity, available });
    }
    decision = shortage(order.orderId, shortages, now);
  }
  await insertOrderStock(tx, decision.state);
  await appendToOutbox(tx, [toEnvelope(decision.event, metadata, now)]);
  return decision.state;
}

/** Holds one line on the first stock item that can take all of it, or returns null. */
async function reserveLine(
  tx: InventoryDb,
  orderId: string,
  line: OrderLine,
  metadata: EventMetadata,
  now: Date,
): Promise<Reservation | null> {
  for (const item of await stockItemsForVariant(tx, line.variantId)) {
    try {
      return await reserveStockIn(
        tx,
        { stockItemId: item.id, quantity: line.quantity, orderId },
        metadata,
        now,
      );
    } catch (e) {
      if (!notHere(e)) throw e;
    }
  }
  return null;
}
