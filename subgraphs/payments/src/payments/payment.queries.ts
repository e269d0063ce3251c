import { byIdLoader } from "@shopstream/service";
import type { PaymentsDb } from "../db.ts";

/** Per-request loaders of payments and their refunds (one query per kind per tick). */
export function createPaymentLoaders(db: PaymentsDb) {
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
  };
}
