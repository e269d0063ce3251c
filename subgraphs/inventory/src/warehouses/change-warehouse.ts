import { appendToOutbox, type EventMetadata, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { CommandDeps } from "../shared/command.ts";
import { loadWarehouse, saveWarehouse } from "./warehouse.repository.ts";
import {
  addWarehouseZone,
  type Decision,
  deactivateWarehouse,
  removeWarehouseZone,
  type UpdateWarehouseCommand,
  updateWarehouse,
  type Warehouse,
  type WarehouseZone,
} from "./warehouse.ts";

/**
 * Load, decide, save with optimistic concurrency: the shared shape of every change to an existing
 * warehouse. A concurrent change in between → CONFLICT; a decision without events saves nothing.
 */
async function changeWarehouse(
  deps: CommandDeps,
  id: string,
  metadata: EventMetadata,
  decide: (w: Warehouse, now: Date) => Decision,
): Promise<Warehouse> {
  assertUuid(id);
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction(async (tx) => {
    const loaded = await loadWarehouse(tx, id);
    const { state, events } = decide(loaded, now);
    if (events.length === 0) return loaded;
    await saveWarehouse(tx, state, loaded.version);
    await appendToOutbox(
      tx,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
    return state;
  });
}

export const updateWarehouseCommand = (
  deps: CommandDeps,
  id: string,
  command: UpdateWarehouseCommand,
  metadata: EventMetadata,
) => changeWarehouse(deps, id, metadata, (w, now) => updateWarehouse(w, command, now));

export const addWarehouseZoneCommand = (
  deps: CommandDeps,
  id: string,
  zone: WarehouseZone,
  metadata: EventMetadata,
) => changeWarehouse(deps, id, metadata, (w, now) => addWarehouseZone(w, zone, now));

export const removeWarehouseZoneCommand = (
  deps: CommandDeps,
  id: string,
  zone: WarehouseZone,
  metadata: EventMetadata,
) => changeWarehouse(deps, id, metadata, (w, now) => removeWarehouseZone(w, zone, now));

export const deactivateWarehouseCommand = (
  deps: CommandDeps,
  id: string,
  metadata: EventMetadata,
) => changeWarehouse(deps, id, metadata, deactivateWarehouse);
