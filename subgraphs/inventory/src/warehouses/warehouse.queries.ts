import type { InventoryDb } from "../db.ts";
import { type Connection, type PageArgs, parsePage, toConnection } from "../shared/connection.ts";
import { toWarehouse } from "./warehouse.repository.ts";
import type { Warehouse } from "./warehouse.ts";

export interface WarehousesArgs extends PageArgs {
  filter?: { active?: boolean | null } | null;
}

/** `Query.warehouses`: in creation order (the seeded default warehouse first), paged. */
export async function listWarehouses(
  db: InventoryDb,
  args: WarehousesArgs,
): Promise<Connection<Warehouse>> {
  const page = parsePage("warehouses", args);
  const where = args.filter?.active == null ? {} : { active: args.filter.active };
  const [rows, totalCount, before] = await Promise.all([
    db.warehouse.findMany({
      where: page.afterId ? { ...where, id: { gt: page.afterId } } : where,
      orderBy: { id: "asc" },
      take: page.first + 1,
    }),
    db.warehouse.count({ where }),
    page.afterId
      ? db.warehouse.findFirst({
          where: { ...where, id: { lte: page.afterId } },
          select: { id: true },
        })
      : null,
  ]);
  return toConnection("warehouses", page, rows.map(toWarehouse), totalCount, before !== null);
}
