import type { AggregateStore } from "@shopstream/commands";
import type { InventoryDb, InventoryTx } from "../db.ts";
import type { OrderStock as OrderStockRow, Prisma } from "../generated/prisma/client.ts";
import type { OrderStock, OrderStockLine } from "./order-stock.ts";

const toOrderStock = (row: OrderStockRow): OrderStock => ({
  ...row,
  lines: row.lines as unknown as OrderStockLine[],
});

const linesJson = (os: OrderStock) => os.lines as unknown as Prisma.InputJsonValue;

/**
 * Loads an order's stock record and locks it for the rest of the transaction, so two deliveries
 * for one order (e.g. a cancellation delivered twice at once) apply one after the other.
 */
export async function lockOrderStock(db: InventoryDb, orderId: string): Promise<OrderStock | null> {
  const locked = await db.$queryRawUnsafe<{ order_id: string }[]>(
    "SELECT order_id FROM order_stock WHERE order_id = $1::uuid FOR UPDATE",
    orderId,
  );
  if (locked.length === 0) return null;
  const row = await db.orderStock.findUnique({ where: { orderId } });
  return row ? toOrderStock(row) : null;
}

/** Whether inventory recorded the order (records are never deleted, so the answer stands). */
export async function hasOrderStock(db: InventoryDb, orderId: string): Promise<boolean> {
  return (await db.orderStock.count({ where: { orderId } })) > 0;
}

export async function insertOrderStock(db: InventoryDb, os: OrderStock): Promise<void> {
  await db.orderStock.create({ data: { ...os, lines: linesJson(os) } });
}

/** Loads lock the record (see lockOrderStock); saves are guarded by the loaded version. */
export const orderStockStore: AggregateStore<OrderStock, InventoryTx> = {
  entity: "order stock",
  load: lockOrderStock,
  async save(db, loaded, next) {
    const where = { orderId: loaded.orderId, version: loaded.version };
    const { status, version, updatedAt } = next;
    const data = { status, lines: linesJson(next), version, updatedAt };
    return (await db.orderStock.updateMany({ where, data })).count > 0;
  },
};
