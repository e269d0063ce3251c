import { byIdLoader } from "@shopstream/service";
import type { OrderingDb } from "../db.ts";

export function createOrderingLoaders(db: OrderingDb) {
  return {
    order: byIdLoader((ids) => db.order.findMany({ where: { id: { in: ids } } })),
    linesByOrder: byIdLoader(
      (ids) =>
        db.orderLine.findMany({ where: { orderId: { in: ids } }, orderBy: { position: "asc" } }),
      { many: (l) => l.orderId },
    ),
  };
}

export type OrderingLoaders = ReturnType<typeof createOrderingLoaders>;
