import {
  type Connection,
  idCursor,
  type PageArgs,
  parsePage,
  toConnection,
} from "@shopstream/connection";
import type { InventoryDb } from "../db.ts";
import { toWarehouse } from "./warehouse.repository.ts";
import type { Warehouse } from "./warehouse.ts";

export interface WarehousesArgs extends PageArgs {
  filter?: { active?: boolean | null } | null;
}

const cursors = idCursor("warehouses");

/** `Query.warehouses`: in creation order (the seeded default warehouse first), paged. */
export async function listWarehouses(
  db: InventoryDb,
  args: WarehousesArgs,
): Promise<Connection<Warehouse>> {
  const page = parsePage(args, cursors);
  const where = args.filter?.active == null ? {} : { active: args.filter.active };
  const [rows, totalCount, before] = await Promise.all([
    db.warehouse.findMany({
      where: page.after ? { ...where, id: { gt: page.after } } : where,
      orderBy: { id: "asc" },
      take: page.first + 1,
    }),
    db.warehouse.count({ where }),
    page.after
      ? db.warehouse.findFirst({
          where: { ...where, id: { lte: page.after } },
          select: { id: true },
        })
      : null,
  ]);
  const connection = toConnection(
    rows.map(toWarehouse),
    page,
    (w) => cursors.encode(w.id),
    totalCount,
  );
  // Whether a matching warehouse precedes the page, not merely whether a cursor was given.
  connection.pageInfo.hasPreviousPage = before !== null;
  return connection;
}
