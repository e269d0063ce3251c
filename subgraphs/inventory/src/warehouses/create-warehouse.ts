import { createAggregate } from "@shopstream/commands";
import { type EventMetadata, newId } from "@shopstream/outbox";
import type { InventoryDeps } from "../context.ts";
import { insertWarehouse } from "./warehouse.repository.ts";
import { type CreateWarehouseCommand, createWarehouse as decide } from "./warehouse.ts";

/** Creates an active, non-default warehouse and its WarehouseCreated event in one transaction. */
export const createWarehouse = (
  deps: InventoryDeps,
  command: CreateWarehouseCommand,
  metadata: EventMetadata,
) =>
  createAggregate(
    deps,
    { entity: "warehouse", insert: insertWarehouse },
    ({ now }) => decide(command, newId(), now),
    metadata,
  );
