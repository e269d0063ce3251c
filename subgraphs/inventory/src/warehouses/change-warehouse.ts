import { changeAggregate } from "@shopstream/commands";
import type { EventMetadata } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { InventoryDeps } from "../context.ts";
import { warehouseStore } from "./warehouse.repository.ts";
import { changeWarehouse as decide, type WarehouseChange } from "./warehouse.ts";

/**
 * Any change to an existing warehouse (update, add or remove a zone, deactivate): load, decide,
 * save guarded by the loaded version with its event. A concurrent change in between → CONFLICT;
 * a decision without events saves nothing.
 */
export const changeWarehouse = (
  deps: InventoryDeps,
  id: string,
  change: WarehouseChange,
  metadata: EventMetadata,
) =>
  changeAggregate(
    deps,
    warehouseStore,
    assertUuid(id),
    (w, { now }) => decide(w, change, now),
    metadata,
  );
