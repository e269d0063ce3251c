import type { AggregateStore } from "@shopstream/commands";
import type { IdentityDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Address, Customer } from "./customer.ts";
import { normalizeEmail } from "./customer-rules.ts";

type Tx = Prisma.TransactionClient;

/** The address columns are the domain's Address, one for one (plus the stored position). */
const addressColumns = {
  id: true,
  label: true,
  street: true,
  city: true,
  state: true,
  postalCode: true,
  country: true,
  isDefault: true,
} as const;

const customerColumns = {
  id: true,
  externalId: true,
  email: true,
  firstName: true,
  lastName: true,
  phone: true,
  dateOfBirth: true,
  tier: true,
  status: true,
  suspensionReason: true,
  registeredAt: true,
  version: true,
  addresses: { select: addressColumns, orderBy: { position: "asc" } },
} as const;

type CustomerRow = Prisma.CustomerGetPayload<{ select: typeof customerColumns }>;

const toDomain = (row: CustomerRow): Customer => ({
  ...row,
  dateOfBirth: row.dateOfBirth ? row.dateOfBirth.toISOString().slice(0, 10) : null,
  registeredAt: row.registeredAt.toISOString(),
});

/** The customers with these ids that exist, in no particular order (the loader matches them). */
export async function findCustomers(db: IdentityDb, ids: readonly string[]): Promise<Customer[]> {
  const rows = await db.customer.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: customerColumns,
  });
  return rows.map(toDomain);
}

export async function findCustomer(db: IdentityDb, id: string): Promise<Customer | null> {
  const row = await db.customer.findUnique({ where: { id }, select: customerColumns });
  return row && toDomain(row);
}

const toDate = (isoDate: string | null) => (isoDate ? new Date(`${isoDate}T00:00:00.000Z`) : null);

/** What a customer row holds that a decision may change. */
const changeableColumns = (c: Customer) => ({
  email: c.email,
  emailNormalized: normalizeEmail(c.email),
  firstName: c.firstName,
  lastName: c.lastName,
  phone: c.phone,
  dateOfBirth: toDate(c.dateOfBirth),
  tier: c.tier,
  status: c.status,
  suspensionReason: c.suspensionReason,
});

/** Writes a registered customer with its addresses (positions in list order). */
export async function insertCustomer(db: IdentityDb, customer: Customer): Promise<void> {
  const registeredAt = new Date(customer.registeredAt);
  await db.customer.create({
    data: {
      id: customer.id,
      externalId: customer.externalId,
      ...changeableColumns(customer),
      registeredAt,
      updatedAt: registeredAt,
      version: customer.version,
      addresses: { create: customer.addresses.map((a, position) => ({ ...a, position })) },
    },
  });
}

const sameAddress = (a: Address, b: Address) =>
  (Object.keys(addressColumns) as (keyof Address)[]).every((k) => a[k] === b[k]);

/**
 * Saves a decided change of `before` into `after`, guarded by the version `before` was loaded
 * at. The customer row is written first: a concurrent command that loaded the same version
 * blocks on that row and then matches nothing, so it never touches the addresses. Returns false
 * (nothing written) when the version moved on, which the write path reports as CONFLICT.
 */
export async function saveCustomer(
  tx: Tx,
  before: Customer,
  after: Customer,
  now: Date,
): Promise<boolean> {
  const updated = await tx.customer.updateMany({
    where: { id: before.id, version: before.version },
    data: { ...changeableColumns(after), updatedAt: now, version: after.version },
  });
  if (updated.count === 0) return false;
  await saveAddresses(tx, before, after);
  return true;
}

/**
 * Writes only the address rows that changed. Defaults are cleared before one is set (the
 * database allows at most one default per customer at every statement), and new addresses go
 * after the highest position ever used, so positions keep insertion order.
 */
async function saveAddresses(tx: Tx, before: Customer, after: Customer) {
  const old = new Map(before.addresses.map((a) => [a.id, a]));
  const kept = new Set(after.addresses.map((a) => a.id));
  const removed = before.addresses.filter((a) => !kept.has(a.id)).map((a) => a.id);
  if (removed.length > 0) await tx.customerAddress.deleteMany({ where: { id: { in: removed } } });

  const updates = after.addresses.filter((a) => old.has(a.id) && !sameAddress(old.get(a.id)!, a));
  // Unset the old default before setting the new one.
  updates.sort((a, b) => Number(a.isDefault) - Number(b.isDefault));
  for (const { id, ...data } of updates) await tx.customerAddress.update({ where: { id }, data });

  const added = after.addresses.filter((a) => !old.has(a.id));
  if (added.length > 0) {
    const { _max } = await tx.customerAddress.aggregate({
      where: { customerId: after.id },
      _max: { position: true },
    });
    const next = (_max.position ?? -1) + 1;
    await tx.customerAddress.createMany({
      data: added.map((a, i) => ({ ...a, position: next + i, customerId: after.id })),
    });
  }
}

/** The Customer aggregate as the one write path (`@shopstream/commands`) loads and saves it. */
export const customerStore: AggregateStore<Customer, Tx> = {
  entity: "Customer",
  load: findCustomer,
  save: saveCustomer,
};
