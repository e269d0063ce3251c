import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import type { CommandDeps } from "../shared/command.ts";
import { insertWarehouse } from "./warehouse.repository.ts";
import {
  type CreateWarehouseCommand,
  createWarehouse as decide,
  type Warehouse,
} from "./warehouse.ts";

/** Creates an active, non-default warehouse and its WarehouseCreated event in one transaction. */
export async function createWarehouse(
  deps: CommandDeps,
  command: CreateWarehouseCommand,
  metadata: EventMetadata,
): Promise<Warehouse> {
  const now = deps.now?.() ?? new Date();
  const { state, events } = decide(command, newId(), now);
  await deps.prisma.$transaction(async (tx) => {
    await insertWarehouse(tx, state);
    await appendToOutbox(
      tx,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
  });
  return state;
}
