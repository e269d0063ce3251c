import type { IdentityDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { Address, Customer } from "./customer.ts";
import { normalizeEmail } from "./customer-rules.ts";

const withAddresses = { addresses: { orderBy: { position: "asc" } } } as const;

type CustomerRow = NonNullable<Awaited<ReturnType<typeof loadRows>>>[number];

function loadRows(db: IdentityDb, ids: string[]) {
  return db.customer.findMany({ where: { id: { in: ids } }, include: withAddresses });
}

function toDomain(row: CustomerRow): Customer {
  return {
    id: row.id,
    externalId: row.externalId,
    email: row.email,
    firstName: row.firstName,
    lastName: row.lastName,
    phone: row.phone,
    dateOfBirth: row.dateOfBirth ? row.dateOfBirth.toISOString().slice(0, 10) : null,
    tier: row.tier,
    status: row.status,
    suspensionReason: row.suspensionReason,
    registeredAt: row.registeredAt.toISOString(),
    version: row.version,
    addresses: row.addresses.map(
      (a): Address => ({
        id: a.id,
        label: a.label,
        street: a.street,
        city: a.city,
        state: a.state,
        postalCode: a.postalCode,
        country: a.country,
        isDefault: a.isDefault,
      }),
    ),
  };
}

/** Loads customers by id, in the order asked, with null for ids that do not exist. */
export async function findCustomersByIds(
  db: IdentityDb,
  ids: readonly string[],
): Promise<(Customer | null)[]> {
  const rows = await loadRows(db, [...new Set(ids)]);
  const byId = new Map(rows.map((r) => [r.id, toDomain(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function insertCustomer(db: IdentityDb, customer: Customer): Promise<void> {
  await db.customer.create({
    data: {
      id: customer.id,
      externalId: customer.externalId,
      email: customer.email,
      emailNormalized: normalizeEmail(customer.email),
      firstName: customer.firstName,
      lastName: customer.lastName,
      phone: customer.phone,
      dateOfBirth: toDate(customer.dateOfBirth),
      tier: customer.tier,
      status: customer.status,
      suspensionReason: customer.suspensionReason,
      registeredAt: new Date(customer.registeredAt),
      updatedAt: new Date(customer.registeredAt),
      version: customer.version,
      addresses: { create: customer.addresses.map((a, position) => addressRow(a, position)) },
    },
  });
}

const toDate = (isoDate: string | null) => (isoDate ? new Date(`${isoDate}T00:00:00.000Z`) : null);

function addressRow(a: Address, position: number) {
  return {
    id: a.id,
    label: a.label,
    street: a.street,
    city: a.city,
    state: a.state,
    postalCode: a.postalCode,
    country: a.country,
    isDefault: a.isDefault,
    position,
  };
}

const sameAddress = (a: Address, b: Address) =>
  a.label === b.label &&
  a.street === b.street &&
  a.city === b.city &&
  a.state === b.state &&
  a.postalCode === b.postalCode &&
  a.country === b.country &&
  a.isDefault === b.isDefault;

/**
 * Saves a decided change of `before` into `after`, guarded by the version `before` was loaded
 * at. The customer row is written first: a concurrent command that loaded the same version
 * blocks on that row and then matches nothing, so it never touches the addresses. Returns false
 * (nothing written) when the version moved on, which the caller reports as CONFLICT.
 */
export async function saveCustomer(
  tx: Prisma.TransactionClient,
  before: Customer,
  after: Customer,
  now: Date,
): Promise<boolean> {
  const updated = await tx.customer.updateMany({
    where: { id: before.id, version: before.version },
    data: {
      email: after.email,
      emailNormalized: normalizeEmail(after.email),
      firstName: after.firstName,
      lastName: after.lastName,
      phone: after.phone,
      dateOfBirth: toDate(after.dateOfBirth),
      tier: after.tier,
      status: after.status,
      suspensionReason: after.suspensionReason,
      updatedAt: now,
      version: after.version,
    },
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
async function saveAddresses(tx: Prisma.TransactionClient, before: Customer, after: Customer) {
  const old = new Map(before.addresses.map((a) => [a.id, a]));
  const kept = new Set(after.addresses.map((a) => a.id));
  const removed = before.addresses.filter((a) => !kept.has(a.id)).map((a) => a.id);
  if (removed.length > 0) await tx.customerAddress.deleteMany({ where: { id: { in: removed } } });

  const updates = after.addresses.filter((a) => old.has(a.id) && !sameAddress(old.get(a.id)!, a));
  // Unset the old default before setting the new one.
  updates.sort((a, b) => Number(a.isDefault) - Number(b.isDefault));
  for (const a of updates) {
    const { id, position: _position, ...data } = addressRow(a, 0);
    await tx.customerAddress.update({ where: { id }, data });
  }

  const added = after.addresses.filter((a) => !old.has(a.id));
  if (added.length > 0) {
    const { _max } = await tx.customerAddress.aggregate({
      where: { customerId: after.id },
      _max: { position: true },
    });
    const next = (_max.position ?? -1) + 1;
    await tx.customerAddress.createMany({
      data: added.map((a, i) => ({ ...addressRow(a, next + i), customerId: after.id })),
    });
  }
}
