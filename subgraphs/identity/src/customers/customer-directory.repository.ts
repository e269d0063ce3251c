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

/** Entries before `key` in listing order, `key` itself included. */
function upTo(key: DirectoryKey): Prisma.CustomerDirectoryEntryWhereInput {
  const at = new Date(key.at);
  return { OR: [{ registeredAt: { gt: at } }, { registeredAt: at, id: { gte: key.id } }] };
}

export interface DirectoryPage {
  /** Up to `first` matching entries' sort keys, in listing order. */
  entries: DirectoryKey[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

/**
 * One page of matching entries, newest registration first. `hasPreviousPage` says whether any
 * matching entry sorts at or before the cursor's key (not merely whether a cursor was given).
 */
export async function findDirectoryPage(
  db: IdentityDb,
  query: DirectoryQuery,
): Promise<DirectoryPage> {
  const filter = filterOf(query);
  const cursor = query.after;
  const [rows, totalCount, before] = await Promise.all([
    db.customerDirectoryEntry.findMany({
      where: cursor ? { AND: [filter, after(cursor)] } : filter,
      orderBy: [{ registeredAt: "desc" }, { id: "desc" }],
      // One extra row tells whether another page follows.
      take: query.first + 1,
      select: { id: true, registeredAt: true },
    }),
    db.customerDirectoryEntry.count({ where: filter }),
    cursor
      ? db.customerDirectoryEntry.findFirst({
          where: { AND: [filter, upTo(cursor)] },
          select: { id: true },
        })
      : null,
  ]);
  return {
    entries: rows
      .slice(0, query.first)
      .map((r) => ({ at: r.registeredAt.toISOString(), id: r.id })),
    hasNextPage: rows.length > query.first,
    hasPreviousPage: before !== null,
    totalCount,
  };
}
