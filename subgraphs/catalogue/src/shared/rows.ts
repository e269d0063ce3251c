/** Rows carry timestamps as Dates; the catalogue's states and API carry ISO-8601 strings. */
export function timestamps(row: { createdAt: Date; updatedAt: Date | null }) {
  return {
    createdAt: row.createdAt.toISOString(),
    // Rows written before `updated_at` existed have none: they were never changed since creation.
    updatedAt: (row.updatedAt ?? row.createdAt).toISOString(),
  };
}

/**
 * The guarded write every catalogue repository saves with: the row is updated only while its
 * version is still the loaded one. False when nothing matched — a concurrent change committed
 * first — which the write path answers with CONFLICT.
 */
export async function updateIfUnchanged<D>(
  updateMany: (args: {
    where: { id: string; version: number };
    data: D;
  }) => Promise<{ count: number }>,
  loaded: { id: string; version: number },
  data: D,
): Promise<boolean> {
  const { count } = await updateMany({ where: { id: loaded.id, version: loaded.version }, data });
  return count > 0;
}
