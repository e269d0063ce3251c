import type { Decision } from "@shopstream/commands";
import type { NewEvent } from "@shopstream/outbox";

/**
 * A decision raising one event of the aggregate, at the new state's version (what every warehouse
 * and order-stock change raises; stock changes raise one or two, see stock-levels.ts).
 */
export function withEvent<S extends { version: number }, T extends string>(
  state: S,
  aggregate: { type: string; id: string },
  type: T,
  payload: Record<string, unknown>,
): Decision<S, NewEvent<T, Record<string, unknown>>> {
  const event = {
    type,
    aggregateType: aggregate.type,
    aggregateId: aggregate.id,
    aggregateVersion: state.version,
    payload,
  };
  return { state, events: [event] };
}
