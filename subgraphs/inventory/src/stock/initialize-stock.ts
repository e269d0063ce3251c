import { createAggregate, recordEvents } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { InventoryDeps } from "../context.ts";
import type { InventoryDb } from "../db.ts";
import { findWarehouseRef } from "../warehouses/warehouse.repository.ts";
import { insertStockItem, insertStockItemIfAbsent } from "./stock.repository.ts";
import { initializeStock as decide, type InitializeStockCommand } from "./stock-item.ts";

/**
 * Creates the stock item of a variant in a warehouse (the default one when none is named), at
 * zero, with its StockInitialized event. A second item for the same (variant, warehouse) is
 * refused by the unique index: DUPLICATE naming `variantId`.
 */
export const initializeStock = (
  deps: InventoryDeps,
  command: InitializeStockCommand,
  metadata: EventMetadata,
) =>
  createAggregate(
    deps,
    { entity: "stock item", insert: insertStockItem },
    async ({ tx, now }) =>
      decide(command, await warehouseFor(tx, command.warehouseId), newId(), now),
    metadata,
    {
      mapError: (error) =>
        uniqueViolationFields(error)
          ? DomainError.duplicate(
              "stock item",
              "variantId",
              "This variant already has a stock item in this warehouse",
            )
          : null,
    },
  );

/**
 * The consumer side of initialization: creates the item in `tx` unless it exists (a redelivered
 * or replayed event changes nothing). Returns whether it was created.
 */
export async function initializeStockIfAbsent(
  tx: InventoryDb,
  command: InitializeStockCommand,
  metadata: EventMetadata,
  now: Date,
): Promise<boolean> {
  const warehouse = await warehouseFor(tx, command.warehouseId);
  const { state, events } = decide(command, warehouse, newId(), now);
  if (!(await insertStockItemIfAbsent(tx, state))) return false;
  await recordEvents(tx, events, metadata, now);
  return true;
}

async function warehouseFor(db: InventoryDb, warehouseId: string | null | undefined) {
  if (warehouseId != null) assertUuid(warehouseId, "warehouseId");
  const warehouse = await findWarehouseRef(db, warehouseId ?? null);
  if (!warehouse) throw DomainError.notFound("warehouse", warehouseId ?? "default");
  return warehouse;
}
