import { byIdLoader } from "@shopstream/service";
import type { PaymentsDb } from "../db.ts";

export function createPaymentsLoaders(db: PaymentsDb) {
  return {
    payment: byIdLoader((ids) => db.payment.findMany({ where: { id: { in: ids } } })),
  };
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;
