import type { IdentityDb } from "../db.ts";

/** The id of the customer registered under `externalId`, or null (the gateway's principal look-up). */
export async function customerIdByExternalId(
  db: IdentityDb,
  externalId: string,
): Promise<string | null> {
  const row = await db.customer.findUnique({ where: { externalId }, select: { id: true } });
  return row?.id ?? null;
}
