import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { InventoryDb } from "../db.ts";
import type { CommandDeps } from "../shared/command.ts";
import { findWarehouseRef } from "../warehouses/warehouse.repository.ts";
import { insertStockItem, insertStockItemIfAbsent } from "./stock.repository.ts";
import {
  initializeStock as decide,
  type InitializeStockCommand,
  type StockItem,
} from "./stock-item.ts";

/**
 * Creates the stock item of a variant in a warehouse (the default one when none is named), at
 * zero, with its StockInitialized event. A second item for the same (variant, warehouse) is
 * refused by the unique index: DUPLICATE naming `variantId`.
 */
export async function initializeStock(
  deps: CommandDeps,
  command: InitializeStockCommand,
  metadata: EventMetadata,
): Promise<StockItem> {
  const now = deps.now?.() ?? new Date();
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const warehouse = await warehouseFor(tx, command.warehouseId);
      const { state, events } = decide(command, warehouse, newId(), now);
      await insertStockItem(tx, state);
      await appendToOutbox(
        tx,
        events.map((e) => toEnvelope(e, metadata, now)),
      );
      return state;
    });
  } catch (error) {
    if (uniqueViolationFields(error)) {
      throw DomainError.duplicate(
        "stock item",
        "variantId",
        "This variant already has a stock item in this warehouse",
      );
    }
    throw error;
  }
}

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
  await appendToOutbox(
    tx,
    events.map((e) => toEnvelope(e, metadata, now)),
  );
  return true;
}

async function warehouseFor(db: InventoryDb, warehouseId: string | null | undefined) {
  if (warehouseId != null) assertUuid(warehouseId, "warehouseId");
  const warehouse = await findWarehouseRef(db, warehouseId ?? null);
  if (!warehouse) throw DomainError.notFound("warehouse", warehouseId ?? "default");
  return warehouse;
}
