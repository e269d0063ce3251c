import type { LiveEvent } from "@shopstream/live";
import { type DomainEvent, defaultMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { waitFor } from "@shopstream/testing/kit";

/**
 * Events shaped as ordering and inventory write them (the `event()` helper of ordering's Order
 * and inventory's `stockChangeEvents`), enveloped by the outbox's own `toEnvelope`.
 */

export interface Levels {
  onHand: number;
  reserved: number;
  damaged: number;
  available: number;
}

export const levels = (onHand: number, reserved = 0, damaged = 0): Levels => ({
  onHand,
  reserved,
  damaged,
  available: onHand - reserved,
});

export function orderEvent(
  type: string,
  ids: { orderId: string; customerId: string },
  change: { previousStatus?: string; status?: string } & Record<string, unknown>,
  version = 1,
): DomainEvent {
  return toEnvelope(
    {
      type,
      aggregateType: "Order",
      aggregateId: ids.orderId,
      aggregateVersion: version,
      payload: { orderId: ids.orderId, customerId: ids.customerId, ...change },
    },
    defaultMetadata(),
  );
}

export function stockEvent(
  type: string,
  ids: { stockItemId: string; variantId: string; warehouseId: string },
  previous: Levels,
  current: Levels,
  version = 1,
): DomainEvent {
  return toEnvelope(
    {
      type,
      aggregateType: "StockItem",
      aggregateId: ids.stockItemId,
      aggregateVersion: version,
      payload: { ...ids, previous, current },
    },
    defaultMetadata(),
  );
}

/** A fresh order's and a fresh stock item's ids. */
export const orderIds = () => ({ orderId: newId(), customerId: newId() });
export const stockIds = () => ({ stockItemId: newId(), variantId: newId(), warehouseId: newId() });

/** An event as the live stream hands it out, at stream id `cursor`. */
export const live = (
  event: DomainEvent,
  cursor = "1700000000000-0",
  position = "1",
): LiveEvent => ({
  cursor,
  position,
  event,
});

/** `n` status changes of one order (every one passes orderStatusChanged's filter). */
export function orderChanges(n: number, ids = orderIds()): DomainEvent[] {
  return Array.from({ length: n }, (_, i) =>
    orderEvent(
      "OrderStatusTestChange",
      ids,
      { previousStatus: `S${i}`, status: `S${i + 1}` },
      i + 1,
    ),
  );
}

/**
 * A hub listener that records the stream ids it is given; `handed(n)` waits until it has been
 * given at least `n` and returns them all.
 */
export function recorder() {
  const ids: string[] = [];
  const listener = (events: readonly LiveEvent[]) => {
    for (const e of events) ids.push(e.cursor);
  };
  const handed = (count: number, what = `${count} events`) =>
    waitFor(what, () => ids.length >= count && ids);
  return { ids, listener, handed };
}
