import { DomainError } from "@shopstream/errors";
import type { InventoryDb } from "../db.ts";
import type { OrderStock as OrderStockRow, Prisma } from "../generated/prisma/client.ts";
import type { OrderStock, OrderStockLine } from "./order-stock.ts";

const toOrderStock = (row: OrderStockRow): OrderStock => ({
  orderId: row.orderId,
  status: row.status,
  lines: row.lines as unknown as OrderStockLine[],
  version: row.version,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

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

export async function insertOrderStock(db: InventoryDb, os: OrderStock): Promise<void> {
  await db.orderStock.create({
    data: { ...os, lines: os.lines as unknown as Prisma.InputJsonValue },
  });
}

/** Saves `os` if the stored version is still `expectedVersion`; otherwise CONFLICT. */
export async function saveOrderStock(
  db: InventoryDb,
  os: OrderStock,
  expectedVersion: number,
): Promise<void> {
  const updated = await db.orderStock.updateMany({
    where: { orderId: os.orderId, version: expectedVersion },
    data: {
      status: os.status,
      lines: os.lines as unknown as Prisma.InputJsonValue,
      version: os.version,
      updatedAt: os.updatedAt,
    },
  });
  if (updated.count === 0) throw DomainError.conflict("order stock", os.orderId);
}
