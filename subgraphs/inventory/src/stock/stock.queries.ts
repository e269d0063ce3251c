import {
  type Connection,
  idCursor,
  type PageArgs,
  parsePage,
  toConnection,
} from "@shopstream/connection";
import { isUuid, uuidProblem } from "@shopstream/rules";
import { byIdLoader } from "@shopstream/service";
import DataLoader from "dataloader";
import type { InventoryDb } from "../db.ts";
import { reservationLoaders } from "../reservations/reservation.queries.ts";
import { findWarehouses } from "../warehouses/warehouse.repository.ts";
import type { StockItem } from "./stock-item.ts";

export interface Availability {
  onHand: number;
  reserved: number;
  available: number;
  inStock: boolean;
}

/**
 * Availability of many variants in ONE query, summed over active warehouses. A variant without
 * stock items is simply not in stock.
 */
export async function findAvailability(
  db: InventoryDb,
  variantIds: readonly string[],
): Promise<Availability[]> {
  const valid = variantIds.filter(isUuid).map((id) => id.toLowerCase());
  if (valid.length === 0) return variantIds.map(() => notInStock());
  const rows = await db.$queryRawUnsafe<
    { variant_id: string; on_hand: number; reserved: number }[]
  >(
    `SELECT s.variant_id, sum(s.on_hand)::int AS on_hand, sum(s.reserved)::int AS reserved
     FROM stock_item s JOIN warehouse w ON w.id = s.warehouse_id
     WHERE w.active AND s.variant_id = ANY($1::uuid[])
     GROUP BY s.variant_id`,
    valid,
  );
  const byVariant = new Map(rows.map((r) => [r.variant_id, r]));
  return variantIds.map((id) => {
    const row = byVariant.get(id.toLowerCase());
    if (!row) return notInStock();
    const onHand = row.on_hand;
    const reserved = row.reserved;
    const available = Math.max(0, onHand - reserved);
    return { onHand, reserved, available, inStock: available > 0 };
  });
}

const notInStock = (): Availability => ({ onHand: 0, reserved: 0, available: 0, inStock: false });

const lowStockCursors = idCursor("lowStockItems");

export interface LowStockArgs extends PageArgs {
  warehouseId?: string | null;
}

/**
 * `Query.lowStockItems`: stock items in active warehouses whose available quantity is at or below
 * their reorder point, in creation order, paged. Nodes come through the request's loader.
 */
export async function listLowStockItems(
  db: InventoryDb,
  loaders: InventoryLoaders,
  args: LowStockArgs,
): Promise<Connection<StockItem>> {
  const warehouseProblem = uuidProblem(args.warehouseId);
  const page = parsePage(
    args,
    lowStockCursors,
    warehouseProblem ? [{ field: "warehouseId", message: warehouseProblem }] : [],
  );
  const warehouseId = args.warehouseId ?? null;
  const low = `w.active AND s.on_hand - s.reserved <= s.reorder_point
    AND ($1::uuid IS NULL OR s.warehouse_id = $1::uuid)`;
  const [ids, counts] = await Promise.all([
    db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT s.id FROM stock_item s JOIN warehouse w ON w.id = s.warehouse_id
       WHERE ${low} AND ($2::uuid IS NULL OR s.id > $2::uuid)
       ORDER BY s.id LIMIT $3`,
      warehouseId,
      page.after,
      page.first + 1,
    ),
    db.$queryRawUnsafe<{ total: number; before: number }[]>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE $2::uuid IS NOT NULL AND s.id <= $2::uuid)::int AS before
       FROM stock_item s JOIN warehouse w ON w.id = s.warehouse_id WHERE ${low}`,
      warehouseId,
      page.after,
    ),
  ]);
  const nodes = await loaders.stockItem.loadMany(ids.map((r) => r.id));
  const items = nodes.filter((n): n is StockItem => !!n && !(n instanceof Error));
  const connection = toConnection(
    items,
    page,
    (s) => lowStockCursors.encode(s.id),
    counts[0]?.total ?? 0,
  );
  // Whether a low item precedes the page, not merely whether a cursor was given.
  connection.pageInfo.hasPreviousPage = (counts[0]?.before ?? 0) > 0;
  return connection;
}

/** Per-request loaders: every nested look-up of a list batches into one query. */
export function createInventoryLoaders(db: InventoryDb) {
  return {
    warehouse: byIdLoader((ids) => findWarehouses(db, ids)),
    stockItem: byIdLoader<StockItem>((ids) =>
      db.stockItem.findMany({ where: { id: { in: ids } } }),
    ),
    stockByWarehouse: byIdLoader(
      (ids) =>
        db.stockItem.findMany({ where: { warehouseId: { in: ids } }, orderBy: { id: "asc" } }),
      { many: (s) => s.warehouseId },
    ),
    ...reservationLoaders(db),
    availability: new DataLoader<string, Availability>((ids) => findAvailability(db, ids)),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
