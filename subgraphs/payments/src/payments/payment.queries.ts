import { byIdLoader } from "@shopstream/service";
import type { PaymentsDb } from "../db.ts";

export function createPaymentsLoaders(db: PaymentsDb) {
  return {
    payment: byIdLoader((ids) => db.payment.findMany({ where: { id: { in: ids } } })),
    refundsByPayment: byIdLoader(
      (ids) =>
        db.refund.findMany({ where: { paymentId: { in: ids } }, orderBy: { createdAt: "asc" } }),
      { many: (r) => r.paymentId },
    ),
    paymentsByOrder: byIdLoader(
      (ids) =>
        db.payment.findMany({ where: { orderId: { in: ids } }, orderBy: { createdAt: "asc" } }),
      { many: (p) => p.orderId },
    ),
    invoice: byIdLoader((ids) => db.invoice.findMany({ where: { id: { in: ids } } })),
    openInvoiceByOrder: byIdLoader(
      (ids) => db.invoice.findMany({ where: { orderId: { in: ids }, status: { not: "VOIDED" } } }),
      { many: (i) => i.orderId },
    ),
  };
}

export type PaymentsLoaders = ReturnType<typeof createPaymentsLoaders>;
