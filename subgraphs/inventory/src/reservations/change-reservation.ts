import {
  changeAggregate,
  changeAggregateIn,
  type DecideContext,
  type Decision,
} from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import type { EventMetadata } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import { type InventoryDeps, TX_OPTIONS } from "../context.ts";
import type { InventoryTx } from "../db.ts";
import { applyStockPlan, findStockItem } from "../stock/stock.repository.ts";
import { levels, type StockEvent, stockChangeEvents } from "../stock/stock-levels.ts";
import { lockReservationAt, reservationStore } from "./reservation.repository.ts";
import {
  type Reservation,
  type ReservationAction,
  type ReservationEvent,
  reservationDetails,
  reservationEvent,
  STOCK_EVENT_OF,
  stockContextOf,
  stockPlanOf,
  transition,
} from "./reservation.ts";

/**
 * Decides a transition (pure), then applies its stock plan in a guarded update: the events of
 * both aggregates carry the stock item's levels as the database left them.
 */
async function decideTransition(
  r: Reservation,
  action: ReservationAction,
  { tx, now }: DecideContext<InventoryTx>,
): Promise<Decision<Reservation, StockEvent | ReservationEvent>> {
  const state = transition(r, action, now);
  // The reservation's row before the stock item's: the order the expiry job and the order-stock
  // reactions lock them in, so none of them can deadlock with another. A change that committed
  // meanwhile is a version miss, as the guarded save would find.
  if (!(await lockReservationAt(tx, r))) throw DomainError.conflict("reservation", r.id);
  const plan = stockPlanOf(r, action);
  if (!plan) {
    // No quantity changes (confirm): the event still tells where the stock stands.
    const item = await findStockItem(tx, r.stockItemId);
    if (!item) throw DomainError.notFound("stock item", r.stockItemId);
    const stock = levels(item.onHand, item.reserved, item.damaged);
    const at = { variantId: item.variantId, warehouseId: item.warehouseId };
    const unchanged = { ...at, previous: stock, current: stock };
    return { state, events: [reservationEvent(state, action.kind, unchanged, r.status)] };
  }
  const change = await applyStockPlan(tx, r.stockItemId, plan, now);
  const stockType = action.kind === "commit" ? STOCK_EVENT_OF.commit : STOCK_EVENT_OF.release;
  return {
    state,
    events: [
      ...stockChangeEvents(change, stockType, reservationDetails(state)),
      reservationEvent(state, action.kind, stockContextOf(change), r.status),
    ],
  };
}

/**
 * Applies one reservation transition inside `tx`, with the events of both aggregates; a
 * concurrent transition → CONFLICT. Shared by the mutations, the order-stock reactions and the
 * expiry job.
 */
export const applyReservationAction = (
  tx: InventoryTx,
  id: string,
  action: ReservationAction,
  metadata: EventMetadata,
  now: Date,
): Promise<Reservation> =>
  changeAggregateIn(
    tx,
    reservationStore,
    id,
    (r, ctx) => decideTransition(r, action, ctx),
    metadata,
    now,
  );

/**
 * A reservation transition in a transaction of its own: confirm (ACTIVE → CONFIRMED, payment
 * succeeded; may extend the expiry), commit (CONFIRMED → COMMITTED, shipped: onHand and reserved
 * both drop) or release (ACTIVE or CONFIRMED → RELEASED: reserved drops).
 */
export const changeReservation = (
  deps: InventoryDeps,
  id: string,
  action: ReservationAction,
  metadata: EventMetadata,
): Promise<Reservation> =>
  changeAggregate(
    deps,
    reservationStore,
    assertUuid(id),
    (r, ctx) => decideTransition(r, action, ctx),
    metadata,
    { transaction: TX_OPTIONS },
  );
