import type { Decision } from "@shopstream/commands";
import type { NewEvent } from "@shopstream/outbox";

/**
 * What the catalogue's three aggregates share in their decisions (the `Decision` type itself is
 * `@shopstream/commands`'): the event envelope, a version step and a record of changed fields.
 */

export type CatalogueEvent = NewEvent<string, Record<string, unknown>>;

/** What every catalogue aggregate carries: its id, a version without gaps and timestamps. */
export interface Versioned {
  id: string;
  version: number;
  updatedAt: string;
}

/**
 * Decisions of one aggregate type: the new state and the one event that records the change,
 * numbered by the state's (new) version. Every catalogue command records exactly one event.
 */
export function decisionsOf(aggregateType: string) {
  return <S extends Versioned>(
    state: S,
    type: string,
    payload: Record<string, unknown>,
  ): Decision<S, CatalogueEvent> => ({
    state,
    events: [
      { type, aggregateType, aggregateId: state.id, aggregateVersion: state.version, payload },
    ],
  });
}

/** `current` with `changes` applied at the next version: every accepted change is one step. */
export function nextVersion<S extends Versioned>(current: S, changes: Partial<S>, now: Date): S {
  return { ...current, ...changes, version: current.version + 1, updatedAt: now.toISOString() };
}

/** The decision for a command that changes nothing: no event, no new version. */
export const unchanged = <S>(state: S): Decision<S, CatalogueEvent> => ({ state, events: [] });

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
