import type { OrderingDb } from "../db.ts";
import type { Tier } from "../pricing/price-view.ts";
import type { CustomerView, CustomerViewChange, CustomerViewStatus } from "./customer-view.ts";

/**
 * Applies one change, only when it is newer than the stored row (versions ≤ the stored one are
 * ignored), so an event delivered twice or late changes nothing.
 */
export async function applyCustomerViewChange(
  db: OrderingDb,
  change: CustomerViewChange,
  now: Date,
): Promise<void> {
  if (change.kind === "insert") {
    const r = change.row;
    await db.$executeRaw`
      INSERT INTO customer_view (customer_id, status, tier, version, updated_at)
      VALUES (${r.customerId}::uuid, ${r.status}, ${r.tier}, ${r.version}, ${now})
      ON CONFLICT (customer_id) DO UPDATE SET status = EXCLUDED.status, tier = EXCLUDED.tier,
        version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE customer_view.version < EXCLUDED.version`;
    return;
  }
  await db.customerView.updateMany({
    where: { customerId: change.customerId, version: { lt: change.version } },
    data: {
      ...(change.status ? { status: change.status } : {}),
      ...(change.tier ? { tier: change.tier } : {}),
      version: change.version,
      updatedAt: now,
    },
  });
}

/** The customer as ordering knows it, or null when identity's events have not arrived yet. */
export async function findCustomerView(
  db: OrderingDb,
  customerId: string,
): Promise<CustomerView | null> {
  const row = await db.customerView.findUnique({ where: { customerId } });
  return row
    ? {
        customerId: row.customerId,
        status: row.status as CustomerViewStatus,
        tier: row.tier as Tier,
        version: row.version,
      }
    : null;
}
