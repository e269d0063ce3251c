import { DomainError } from "@shopstream/errors";
import type { InventoryDb } from "../db.ts";
import type { Warehouse as WarehouseRow } from "../generated/prisma/client.ts";
import type { Warehouse } from "./warehouse.ts";

export function toWarehouse(row: WarehouseRow): Warehouse {
  return {
    id: row.id,
    name: row.name,
    address:
      row.street !== null && row.city !== null && row.postalCode !== null && row.country !== null
        ? {
            street: row.street,
            city: row.city,
            state: row.state,
            postalCode: row.postalCode,
            country: row.country,
          }
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
  return {
    name: w.name,
    street: w.address?.street ?? null,
    city: w.address?.city ?? null,
    state: w.address?.state ?? null,
    postalCode: w.address?.postalCode ?? null,
    country: w.address?.country ?? null,
    capacity: w.capacity,
    zones: w.zones,
    isDefault: w.isDefault,
    active: w.active,
    version: w.version,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    deactivatedAt: w.deactivatedAt,
  };
}

export async function findWarehouses(db: InventoryDb, ids: string[]): Promise<Warehouse[]> {
  return (await db.warehouse.findMany({ where: { id: { in: ids } } })).map(toWarehouse);
}

export async function loadWarehouse(db: InventoryDb, id: string): Promise<Warehouse> {
  const row = await db.warehouse.findUnique({ where: { id } });
  if (!row) throw DomainError.notFound("warehouse", id);
  return toWarehouse(row);
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

/** Saves `w` if the stored version is still `expectedVersion`; otherwise CONFLICT. */
export async function saveWarehouse(
  db: InventoryDb,
  w: Warehouse,
  expectedVersion: number,
): Promise<void> {
  const updated = await db.warehouse.updateMany({
    where: { id: w.id, version: expectedVersion },
    data: toRow(w),
  });
  if (updated.count === 0) throw DomainError.conflict("warehouse", w.id);
}
