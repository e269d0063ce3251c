import type { IdentityDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import type { DirectoryKey, DirectoryQuery, DirectoryWrite } from "./customer-directory.ts";

/**
 * Applies one projected write at `now` unless the entry already holds this version or a newer
 * one. Returns whether anything changed. A `patch` for an entry that does not exist changes
 * nothing: the runner applies a customer's events in order, so its `put` always comes first.
 */
export async function applyDirectoryWrite(
  tx: Prisma.TransactionClient,
  write: DirectoryWrite,
  now: Date,
): Promise<boolean> {
  if (write.kind === "put") {
    const { id, version, ...fields } = write.entry;
    const created = await tx.customerDirectoryEntry.createMany({
      data: [{ ...write.entry, updatedAt: now }],
      skipDuplicates: true,
    });
    if (created.count > 0) return true;
    return updateIfNewer(tx, id, version, { ...fields, updatedAt: now });
  }
  return updateIfNewer(tx, write.id, write.version, { ...write.fields, updatedAt: now });
}

async function updateIfNewer(
  tx: Prisma.TransactionClient,
  id: string,
  version: number,
  data: Prisma.CustomerDirectoryEntryUpdateManyMutationInput,
): Promise<boolean> {
  const updated = await tx.customerDirectoryEntry.updateMany({
    where: { id, version: { lt: version } },
    data: { ...data, version },
  });
  return updated.count > 0;
}

/** `LIKE` treats `%`, `_` and `\` specially; emails may contain `_`. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterOf(query: DirectoryQuery): Prisma.CustomerDirectoryEntryWhereInput {
  return {
    ...(query.tier && { tier: query.tier }),
    ...(query.status && { status: query.status }),
    ...(query.emailPrefix && { emailNormalized: { startsWith: escapeLike(query.emailPrefix) } }),
  };
}

/** Entries after `key` in listing order (registeredAt desc, id desc). */
function after(key: DirectoryKey): Prisma.CustomerDirectoryEntryWhereInput {
  const at = new Date(key.at);
  return { OR: [{ registeredAt: { lt: at } }, { registeredAt: at, id: { lt: key.id } }] };
}

/**
 * One page of matching entries' sort keys, newest registration first: up to `first + 1` of them
 * (the extra one only says that another page follows), and how many match in all.
 */
export async function findDirectoryPage(
  db: IdentityDb,
  query: DirectoryQuery,
): Promise<{ entries: DirectoryKey[]; totalCount: number }> {
  const filter = filterOf(query);
  const [rows, totalCount] = await Promise.all([
    db.customerDirectoryEntry.findMany({
      where: query.after ? { AND: [filter, after(query.after)] } : filter,
      orderBy: [{ registeredAt: "desc" }, { id: "desc" }],
      take: query.first + 1,
      select: { id: true, registeredAt: true },
    }),
    db.customerDirectoryEntry.count({ where: filter }),
  ]);
  return { entries: rows.map((r) => ({ at: r.registeredAt.toISOString(), id: r.id })), totalCount };
}
