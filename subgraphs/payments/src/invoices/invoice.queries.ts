import { byIdLoader } from "@shopstream/service";
import type { PaymentsDb } from "../db.ts";

/** Per-request loaders of invoices: by id, and an order's open (not voided) one. */
export function createInvoiceLoaders(db: PaymentsDb) {
  return {
    invoice: byIdLoader((ids) => db.invoice.findMany({ where: { id: { in: ids } } })),
    openInvoiceByOrder: byIdLoader(
      (ids) => db.invoice.findMany({ where: { orderId: { in: ids }, status: { not: "VOIDED" } } }),
      { many: (i) => i.orderId },
    ),
  };
}
