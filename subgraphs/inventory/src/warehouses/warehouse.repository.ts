import type { AggregateStore } from "@shopstream/commands";
import type { InventoryDb, InventoryTx } from "../db.ts";
import type { Warehouse as WarehouseRow } from "../generated/prisma/client.ts";
import type { Warehouse } from "./warehouse.ts";

export function toWarehouse(row: WarehouseRow): Warehouse {
  const { street, city, state, postalCode, country } = row;
  return {
    id: row.id,
    name: row.name,
    address:
      street !== null && city !== null && postalCode !== null && country !== null
        ? { street, city, state, postalCode, country }
        : null,
    capacity: row.capacity,
    zones: row.zones ?? [],
    isDefault: row.isDefault,
    active: row.active,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt ?? row.createdAt,
    deactivatedAt: row.deactivatedAt,
  };
}

function toRow(w: Warehouse) {
  const { id: _id, address, ...fields } = w;
  return {
    ...fields,
    street: address?.street ?? null,
    city: address?.city ?? null,
    state: address?.state ?? null,
    postalCode: address?.postalCode ?? null,
    country: address?.country ?? null,
  };
}

export async function findWarehouses(db: InventoryDb, ids: string[]): Promise<Warehouse[]> {
  return (await db.warehouse.findMany({ where: { id: { in: ids } } })).map(toWarehouse);
}

export async function findWarehouse(db: InventoryDb, id: string): Promise<Warehouse | null> {
  const row = await db.warehouse.findUnique({ where: { id } });
  return row && toWarehouse(row);
}

/** A warehouse by id, or the default warehouse when `id` is null. */
export async function findWarehouseRef(db: InventoryDb, id: string | null) {
  return db.warehouse.findFirst({
    where: id === null ? { isDefault: true } : { id },
    select: { id: true, active: true },
  });
}

export async function insertWarehouse(db: InventoryDb, w: Warehouse): Promise<void> {
  await db.warehouse.create({ data: { id: w.id, ...toRow(w) } });
}

/** Saves guarded by the loaded version: false when a change came first. */
export const warehouseStore: AggregateStore<Warehouse, InventoryTx> = {
  entity: "warehouse",
  load: findWarehouse,
  async save(db, loaded, next) {
    const where = { id: loaded.id, version: loaded.version };
    return (await db.warehouse.updateMany({ where, data: toRow(next) })).count > 0;
  },
};
