import { recordEvents } from "@shopstream/commands";
import { isDomainError } from "@shopstream/errors";
import { stockItemsForVariant } from "../reservations/reservation.repository.ts";
import type { Reservation } from "../reservations/reservation.ts";
import { reserveStockIn } from "../reservations/reserve-stock.ts";
import { insertOrderStock, lockOrderStock } from "./order-stock.repository.ts";
import {
  type OrderLine,
  type OrderStock,
  type OrderStockDecision,
  reservationOrder,
  reserved,
  type Shortage,
  shortage,
} from "./order-stock.ts";
import type { Reaction } from "./settle-order-stock.ts";

const SAVEPOINT = "order_stock_reserve";

/** Reservation failures that mean "not from this stock item", so the next one is tried. */
const notHere = (e: unknown) =>
  isDomainError(e) && (e.code === "INSUFFICIENT_STOCK" || e.code === "INVALID_STATE_TRANSITION");

/**
 * OrderConfirmed → reserves every line of the order, all or nothing, inside the consumer's
 * transaction. Each line is held whole on one stock item of its variant (default warehouse
 * first, then any active warehouse; a line is never split across warehouses) through the
 * guarded reservation path, which raises the usual StockItem and Reservation events. When some
 * line cannot be held, every reservation made so far is rolled back (to a savepoint, so the
 * outcome can still be committed) and OrderStockShortage lists each short line with what its
 * best stock item holds. An order already recorded is left alone (redelivery, replay).
 */
export async function reserveOrderStock(
  reaction: Reaction,
  order: { orderId: string; lines: OrderLine[] },
): Promise<OrderStock> {
  const { tx, metadata, now } = reaction;
  const existing = await lockOrderStock(tx, order.orderId);
  if (existing) return existing;

  await tx.$executeRawUnsafe(`SAVEPOINT ${SAVEPOINT}`);
  const held: { line: OrderLine; reservation: Reservation }[] = [];
  const short: OrderLine[] = [];
  for (const line of reservationOrder(order.lines)) {
    const reservation = await reserveLine(reaction, order.orderId, line);
    if (reservation) held.push({ line, reservation });
    else short.push(line);
  }

  let decision: OrderStockDecision;
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
  await recordEvents(tx, decision.events, metadata, now);
  return decision.state;
}

/** Holds one line on the first stock item that can take all of it, or returns null. */
async function reserveLine(
  { tx, metadata, now }: Reaction,
  orderId: string,
  line: OrderLine,
): Promise<Reservation | null> {
  for (const item of await stockItemsForVariant(tx, line.variantId)) {
    try {
      const command = { stockItemId: item.id, quantity: line.quantity, orderId };
      return await reserveStockIn(tx, command, metadata, now);
    } catch (e) {
      if (!notHere(e)) throw e;
    }
  }
  return null;
}
