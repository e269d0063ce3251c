import type { NewEvent } from "@shopstream/outbox";

/** What a decision function returns: the aggregate's new state and the events that say why. */
export interface Decision<S, E extends NewEvent = NewEvent> {
  state: S;
  events: E[];
}

/** `{ previous, value }` for each field that actually changes; equal values are left out. */
export type Changes = Record<string, { previous: unknown; value: unknown }>;

/** Deep equality for JSON values, independent of object key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
}
