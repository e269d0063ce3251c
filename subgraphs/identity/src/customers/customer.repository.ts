import type { IdentityDb } from "../db.ts";
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
      dateOfBirth: customer.dateOfBirth ? new Date(`${customer.dateOfBirth}T00:00:00.000Z`) : null,
      tier: customer.tier,
      status: customer.status,
      registeredAt: new Date(customer.registeredAt),
      updatedAt: new Date(customer.registeredAt),
      version: customer.version,
      addresses: {
        create: customer.addresses.map((a, position) => ({
          id: a.id,
          label: a.label,
          street: a.street,
          city: a.city,
          state: a.state,
          postalCode: a.postalCode,
          country: a.country,
          isDefault: a.isDefault,
          position,
        })),
      },
    },
  });
}
