import { appendToOutbox, type EventMetadata, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import { type CommandDeps, TX_OPTIONS } from "../shared/command.ts";
import { applyStockPlan, loadStockItem } from "./stock.repository.ts";
import type { StockItem } from "./stock-item.ts";
import {
  MOVEMENT_EVENT,
  type Movement,
  movementDetails,
  planMovement,
  stockChangeEvents,
} from "./stock-levels.ts";

/** Movements that bring stock into a warehouse, refused once the warehouse is deactivated. */
const INBOUND: ReadonlySet<Movement["kind"]> = new Set(["receive", "return"]);

/**
 * One stock movement (receive, adjust, stock check, mark damaged, write off, return): validate
 * and plan (pure), apply the plan in one guarded statement, and write its event(s) — plus
 * LowStockDetected when the change crossed the reorder point — in the same transaction.
 */
export async function moveStock(
  deps: CommandDeps,
  stockItemId: string,
  movement: Movement,
  metadata: EventMetadata,
): Promise<StockItem> {
  assertUuid(stockItemId, "stockItemId");
  const plan = planMovement(movement);
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction(async (tx) => {
    const change = await applyStockPlan(tx, stockItemId, plan, now, {
      requireActiveWarehouse: INBOUND.has(movement.kind),
    });
    const events = stockChangeEvents(
      change,
      MOVEMENT_EVENT[movement.kind],
      movementDetails(movement, change),
    );
    await appendToOutbox(
      tx,
      events.map((e) => toEnvelope(e, metadata, now)),
    );
    return loadStockItem(tx, stockItemId);
  }, TX_OPTIONS);
}
