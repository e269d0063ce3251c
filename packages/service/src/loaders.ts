import { isUuid } from "@shopstream/rules";
import DataLoader from "dataloader";

/**
 * A per-request DataLoader keyed by UUID: one `fetch` per tick for all requested ids. Ids that
 * are not UUIDs resolve to null (or []) without reaching the database, whose uuid columns would
 * reject them. Ids match in either letter case: PostgreSQL answers uuids in lower case.
 */
export function byIdLoader<T extends { id: string }>(
  fetch: (ids: string[]) => Promise<T[]>,
): DataLoader<string, T | null>;
export function byIdLoader<T>(
  fetch: (ids: string[]) => Promise<T[]>,
  opts: { many: (row: T) => string },
): DataLoader<string, T[]>;
export function byIdLoader<T>(
  fetch: (ids: string[]) => Promise<T[]>,
  opts?: { many: (row: T) => string },
): DataLoader<string, T | null> | DataLoader<string, T[]> {
  if (opts) {
    return new DataLoader<string, T[]>(async (keys) => {
      const rows = await fetchValid(keys, fetch);
      const groups = new Map<string, T[]>();
      for (const row of rows) {
        const key = opts.many(row);
        const group = groups.get(key);
        if (group) group.push(row);
        else groups.set(key, [row]);
      }
      return keys.map((k) => groups.get(k.toLowerCase()) ?? []);
    });
  }
  return new DataLoader<string, T | null>(async (keys) => {
    const rows = await fetchValid(keys, fetch);
    const byId = new Map(rows.map((r) => [(r as { id: string }).id, r]));
    return keys.map((k) => byId.get(k.toLowerCase()) ?? null);
  });
}

async function fetchValid<T>(keys: readonly string[], fetch: (ids: string[]) => Promise<T[]>) {
  const valid = [...new Set(keys.filter(isUuid).map((k) => k.toLowerCase()))];
  return valid.length > 0 ? fetch(valid) : [];
}
