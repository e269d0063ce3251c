import type { AggregateStore } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import type { InventoryDb, InventoryTx } from "../db.ts";
import type { StockItem } from "./stock-item.ts";
import { insufficientStock, levels, type StockChange, type StockPlan } from "./stock-levels.ts";

interface ChangedRow {
  id: string;
  variant_id: string;
  warehouse_id: string;
  prev_on_hand: number;
  prev_reserved: number;
  prev_damaged: number;
  on_hand: number;
  reserved: number;
  damaged: number;
  reorder_point: number;
  reorder_quantity: number;
  raised: boolean;
  version: number;
}

/**
 * Applies a stock plan in ONE guarded statement: the row is locked, the new quantities and the
 * low-stock flag are computed from the locked row by PostgreSQL, and the update happens only when
 * the result keeps every invariant (the CHECK constraints would refuse it anyway). Quantities are
 * never read into Node and written back, so concurrent movements cannot oversell. The version
 * rises by 1, or by 2 when LowStockDetected is raised too (mirrors `applyPlan`/`lowStockAfter`).
 *
 * No row changed → NOT_FOUND, INVALID_STATE_TRANSITION (inactive warehouse, when
 * `requireActiveWarehouse`) or INSUFFICIENT_STOCK.
 */
export async function applyStockPlan(
  db: InventoryDb,
  stockItemId: string,
  plan: StockPlan,
  now: Date,
  opts: { requireActiveWarehouse?: boolean } = {},
): Promise<StockChange> {
  const rows = await db.$queryRawUnsafe<ChangedRow[]>(
    `WITH prev AS (
       SELECT s.id, s.on_hand, s.reserved, s.damaged, s.reorder_point, s.low_stock, w.active
       FROM stock_item s JOIN warehouse w ON w.id = s.warehouse_id
       WHERE s.id = $1::uuid
       FOR UPDATE OF s
     ), calc AS (
       SELECT prev.*,
              COALESCE($5::int, prev.on_hand + $2::int) AS n_on_hand,
              prev.reserved + $3::int AS n_reserved,
              prev.damaged + $4::int AS n_damaged
       FROM prev
     ), judged AS (
       SELECT calc.*,
              (n_on_hand - n_reserved) < (on_hand - reserved)
                AND NOT low_stock
                AND (n_on_hand - n_reserved) <= reorder_point AS raised
       FROM calc
     )
     UPDATE stock_item s SET
       on_hand = j.n_on_hand,
       reserved = j.n_reserved,
       damaged = j.n_damaged,
       low_stock = CASE WHEN j.n_on_hand - j.n_reserved > j.reorder_point THEN false
                        ELSE j.low_stock OR j.raised END,
       last_counted_quantity = COALESCE($5::int, s.last_counted_quantity),
       last_counted_at = CASE WHEN $5::int IS NULL THEN s.last_counted_at ELSE $6::timestamptz END,
       version = s.version + CASE WHEN j.raised THEN 2 ELSE 1 END,
       updated_at = $6::timestamptz
     FROM judged j
     WHERE s.id = j.id
       AND j.n_on_hand >= 0 AND j.n_reserved >= 0 AND j.n_damaged >= 0
       AND j.n_reserved <= j.n_on_hand
       AND (j.active OR NOT $7::boolean)
     RETURNING s.id, s.variant_id, s.warehouse_id,
       j.on_hand AS prev_on_hand, j.reserved AS prev_reserved, j.damaged AS prev_damaged,
       s.on_hand, s.reserved, s.damaged, s.reorder_point, s.reorder_quantity, j.raised, s.version`,
    stockItemId,
    plan.onHand ?? 0,
    plan.reserved ?? 0,
    plan.damaged ?? 0,
    plan.countedOnHand ?? null,
    now,
    opts.requireActiveWarehouse ?? false,
  );
  const row = rows[0];
  if (!row) throw await whyUnchanged(db, stockItemId, opts.requireActiveWarehouse ?? false);
  return {
    stockItemId: row.id,
    variantId: row.variant_id,
    warehouseId: row.warehouse_id,
    previous: levels(row.prev_on_hand, row.prev_reserved, row.prev_damaged),
    current: levels(row.on_hand, row.reserved, row.damaged),
    reorderPoint: row.reorder_point,
    reorderQuantity: row.reorder_quantity,
    lowStockRaised: row.raised,
    version: row.version,
  };
}

async function whyUnchanged(
  db: InventoryDb,
  stockItemId: string,
  requireActiveWarehouse: boolean,
): Promise<DomainError> {
  const item = await db.stockItem.findUnique({
    where: { id: stockItemId },
    include: { warehouse: { select: { active: true } } },
  });
  if (!item) return DomainError.notFound("stock item", stockItemId);
  if (requireActiveWarehouse && !item.warehouse.active) {
    return DomainError.invalidTransition("warehouse", "INACTIVE", "move stock into");
  }
  return insufficientStock(
    "the change would leave a quantity below 0 or more reserved than on hand",
    levels(item.onHand, item.reserved, item.damaged),
  );
}

export function findStockItem(db: InventoryDb, id: string): Promise<StockItem | null> {
  return db.stockItem.findUnique({ where: { id } });
}

export async function insertStockItem(db: InventoryDb, item: StockItem): Promise<void> {
  await db.stockItem.create({ data: item });
}

/** Inserts unless the (variant, warehouse) item exists; returns whether it was inserted. */
export async function insertStockItemIfAbsent(db: InventoryDb, item: StockItem): Promise<boolean> {
  const created = await db.stockItem.createMany({ data: [item], skipDuplicates: true });
  return created.count > 0;
}

/**
 * Saves are guarded by the loaded version and write what a decision may change besides the
 * quantities (the reorder settings). Quantities and the low-stock flag change only through
 * `applyStockPlan`, whose guarded statement is what keeps stock from being oversold.
 */
export const stockItemStore: AggregateStore<StockItem, InventoryTx> = {
  entity: "stock item",
  load: findStockItem,
  async save(db, loaded, next) {
    const where = { id: loaded.id, version: loaded.version };
    const { reorderPoint, reorderQuantity, version, updatedAt } = next;
    const data = { reorderPoint, reorderQuantity, version, updatedAt };
    return (await db.stockItem.updateMany({ where, data })).count > 0;
  },
};
