/** Rows carry timestamps as Dates; the catalogue's states and API carry ISO-8601 strings. */
export function timestamps(row: { createdAt: Date; updatedAt: Date | null }) {
  return {
    createdAt: row.createdAt.toISOString(),
    // Rows written before `updated_at` existed have none: they were never changed since creation.
    updatedAt: (row.updatedAt ?? row.createdAt).toISOString(),
  };
}
