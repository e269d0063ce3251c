import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { InventoryDb } from "../db.ts";
import { type CommandDeps, TX_OPTIONS } from "../shared/command.ts";
import { applyStockPlan } from "../stock/stock.repository.ts";
import { levels, type StockEvent, stockChangeEvents } from "../stock/stock-levels.ts";
import { loadReservation, saveReservation } from "./reservation.repository.ts";
import {
  type Reservation,
  type ReservationAction,
  type ReservationEvent,
  reservationDetails,
  reservationEvent,
  STOCK_EVENT_OF,
  stockContextOf,
  transition,
} from "./reservation.ts";

/**
 * Applies one reservation transition inside `tx`: load, decide (pure), save with optimistic
 * concurrency (a concurrent transition → CONFLICT), then apply its stock plan in a guarded
 * update and write both aggregates' events. Shared by the mutations and the expiry job.
 */
export async function applyReservationAction(
  tx: InventoryDb,
  id: string,
  action: ReservationAction,
  metadata: EventMetadata,
  now: Date,
): Promise<Reservation> {
  const loaded = await loadReservation(tx, id);
  const { state, plan } = transition(loaded, action, now);
  await saveReservation(tx, state, loaded.version);

  const events: (StockEvent | ReservationEvent)[] = [];
  if (plan) {
    const change = await applyStockPlan(tx, state.stockItemId, plan, now);
    const stockType = action.kind === "commit" ? STOCK_EVENT_OF.commit : STOCK_EVENT_OF.release;
    events.push(...stockChangeEvents(change, stockType, reservationDetails(state)));
    events.push(reservationEvent(state, action.kind, stockContextOf(change), loaded.status));
  } else {
    // No quantity changes (confirm): the event still tells where the stock stands.
    const item = await tx.stockItem.findUnique({ where: { id: state.stockItemId } });
    if (!item) throw DomainError.notFound("stock item", state.stockItemId);
    const stock = levels(item.onHand, item.reserved, item.damaged);
    events.push(
      reservationEvent(
        state,
        action.kind,
        {
          variantId: item.variantId,
          warehouseId: item.warehouseId,
          previous: stock,
          current: stock,
        },
        loaded.status,
      ),
    );
  }
  await appendToOutbox(
    tx,
    events.map((e) => toEnvelope(e, metadata, now)),
  );
  return state;
}

async function changeReservation(
  deps: CommandDeps,
  id: string,
  action: ReservationAction,
  metadata: EventMetadata,
): Promise<Reservation> {
  assertUuid(id);
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction(
    (tx) => applyReservationAction(tx, id, action, metadata, now),
    TX_OPTIONS,
  );
}

/** ACTIVE → CONFIRMED (payment succeeded); optionally extends the expiry to `ttlSeconds` from now. */
export const confirmReservation = (
  deps: CommandDeps,
  id: string,
  ttlSeconds: number | null | undefined,
  metadata: EventMetadata,
) => changeReservation(deps, id, { kind: "confirm", ttlSeconds }, metadata);

/** CONFIRMED → COMMITTED (shipped): onHand and reserved both drop by the quantity. */
export const commitReservation = (deps: CommandDeps, id: string, metadata: EventMetadata) =>
  changeReservation(deps, id, { kind: "commit" }, metadata);

/** ACTIVE or CONFIRMED → RELEASED (cancelled, payment failed, expired): reserved drops. */
export const releaseReservation = (
  deps: CommandDeps,
  id: string,
  reason: string | null | undefined,
  metadata: EventMetadata,
) => changeReservation(deps, id, { kind: "release", reason }, metadata);
