import { nowOf, recordEvents, runTransaction } from "@shopstream/commands";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { type InventoryDeps, TX_OPTIONS } from "../context.ts";
import type { InventoryTx } from "../db.ts";
import { applyStockPlan } from "../stock/stock.repository.ts";
import { stockChangeEvents } from "../stock/stock-levels.ts";
import { insertReservation } from "./reservation.repository.ts";
import {
  newReservation,
  planReservation,
  type Reservation,
  type ReserveStockCommand,
  reservationDetails,
  reservationEvent,
  STOCK_EVENT_OF,
  stockContextOf,
} from "./reservation.ts";

/**
 * Holds stock for an order: `reserved` rises in one guarded statement that succeeds only while
 * `onHand − reserved ≥ quantity` (else INSUFFICIENT_STOCK), so concurrent buyers can never
 * reserve more than exists. Writes the ACTIVE reservation, StockReserved (StockItem), possibly
 * LowStockDetected, and ReservationCreated (Reservation) in one transaction.
 */
export async function reserveStock(
  deps: InventoryDeps,
  command: ReserveStockCommand,
  metadata: EventMetadata,
): Promise<Reservation> {
  const now = nowOf(deps);
  planReservation(command); // validate before opening a transaction
  return runTransaction(deps.prisma, (tx) => reserveStockIn(tx, command, metadata, now), {
    entity: "reservation",
    transaction: TX_OPTIONS,
  });
}

/**
 * The reservation inside a caller's transaction `tx` (the mutation above, or the order-stock
 * consumer reserving every line of an order in one transaction): the guarded stock update, the
 * ACTIVE reservation row and both aggregates' events. INSUFFICIENT_STOCK leaves nothing written.
 */
export async function reserveStockIn(
  tx: InventoryTx,
  command: ReserveStockCommand,
  metadata: EventMetadata,
  now: Date,
): Promise<Reservation> {
  const plan = planReservation(command);
  const change = await applyStockPlan(tx, command.stockItemId, plan, now, {
    requireActiveWarehouse: true,
  });
  const reservation = newReservation(command, newId(), now);
  await insertReservation(tx, reservation);
  await recordEvents(
    tx,
    [
      ...stockChangeEvents(change, STOCK_EVENT_OF.reserve, reservationDetails(reservation)),
      reservationEvent(reservation, "create", stockContextOf(change), null),
    ],
    metadata,
    now,
  );
  return reservation;
}
