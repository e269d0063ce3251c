import { DomainError, type FieldError } from "@shopstream/errors";
import type { LiveEvent } from "@shopstream/live";
import { encodeLiveCursor } from "./cursor.ts";

/** A federated entity an event refers to, fetched through the gateway when selected. */
export interface EntityRef {
  /** Root query field that loads it by id (`order(id:)`, `productVariant(id:)`, …). */
  rootField: string;
  id: string;
}

/** What one subscription event resolves from: its own fields plus references to entities. */
export interface LivePayload {
  cursor: string;
  fields: Record<string, unknown>;
  entities: Record<string, EntityRef>;
}

/** A `Subscription` field: which context's stream feeds it and how an event becomes a payload. */
export interface LiveSource {
  context: string;
  /** Checks the arguments (VALIDATION_FAILED naming each bad one) and returns the filter. */
  filter(args: Record<string, unknown>): (event: LiveEvent) => LivePayload | null;
  /**
   * The customer who owns what an event is about (an order's customer), for fields whose policy
   * row binds customers to what they own; null when the event names none. A field without it
   * cannot be narrowed per subscriber, so a caller bound by ownership is refused it.
   */
  owner?(event: LiveEvent): string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function optionalIds(
  args: Record<string, unknown>,
  names: string[],
): Record<string, string | null> {
  const problems: FieldError[] = [];
  const ids: Record<string, string | null> = {};
  for (const name of names) {
    const value = args[name];
    if (value === undefined || value === null) ids[name] = null;
    else if (typeof value === "string" && UUID.test(value)) ids[name] = value.toLowerCase();
    else problems.push({ field: name, message: "must be a UUID" });
  }
  if (problems.length > 0) throw DomainError.validation(problems);
  return ids;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

interface Levels {
  onHand: number;
  reserved: number;
  damaged: number;
  available: number;
}
const isLevels = (v: unknown): v is Levels =>
  typeof v === "object" &&
  v !== null &&
  ["onHand", "reserved", "damaged", "available"].every((k) =>
    Number.isInteger((v as Record<string, unknown>)[k]),
  );

/**
 * `orderStatusChanged`: every Order event whose payload moves `status` (ordering's events carry
 * `previousStatus` and `status`, and every one carries `orderId` and `customerId`).
 */
export const orderStatusChanged: LiveSource = {
  context: "ordering",
  filter(args) {
    const { orderId, customerId } = optionalIds(args, ["orderId", "customerId"]);
    return ({ cursor, event }) => {
      if (event.aggregateType !== "Order") return null;
      const p = event.payload as Record<string, unknown>;
      const status = str(p.status);
      const previousStatus = str(p.previousStatus);
      const id = str(p.orderId) ?? event.aggregateId;
      if (!status || status === previousStatus) return null;
      if (orderId && id !== orderId) return null;
      if (customerId && str(p.customerId) !== customerId) return null;
      return {
        cursor: encodeLiveCursor("ordering", cursor),
        fields: { previousStatus, status, event: event.type, occurredAt: event.occurredAt },
        entities: { order: { rootField: "order", id } },
      };
    };
  },
  // Every Order event names the order's customer (ordering's `orderEvent`).
  owner: ({ event }) =>
    event.aggregateType === "Order"
      ? (str((event.payload as Record<string, unknown>).customerId)?.toLowerCase() ?? null)
      : null,
};

/**
 * `stockLevelChanged`: every StockItem event carrying `previous` and `current` levels (movements,
 * reservations, releases, commits). LowStockDetected repeats its movement's levels, so it is left
 * out: one level change, one event.
 */
export const stockLevelChanged: LiveSource = {
  context: "inventory",
  filter(args) {
    const { variantId, warehouseId } = optionalIds(args, ["variantId", "warehouseId"]);
    return ({ cursor, event }) => {
      if (event.aggregateType !== "StockItem" || event.type === "LowStockDetected") return null;
      const p = event.payload as Record<string, unknown>;
      const variant = str(p.variantId);
      const warehouse = str(p.warehouseId);
      if (!variant || !warehouse || !isLevels(p.previous) || !isLevels(p.current)) return null;
      if (variantId && variant !== variantId) return null;
      if (warehouseId && warehouse !== warehouseId) return null;
      return {
        cursor: encodeLiveCursor("inventory", cursor),
        fields: {
          previous: p.previous,
          current: p.current,
          event: event.type,
          occurredAt: event.occurredAt,
        },
        entities: {
          variant: { rootField: "productVariant", id: variant },
          stockItem: { rootField: "stockItem", id: event.aggregateId },
          warehouse: { rootField: "warehouse", id: warehouse },
        },
      };
    };
  },
};

export const LIVE_SOURCES: Record<string, LiveSource> = { orderStatusChanged, stockLevelChanged };
