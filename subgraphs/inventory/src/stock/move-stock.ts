import { nowOf, recordEvents, runTransaction } from "@shopstream/commands";
import { DomainError } from "@shopstream/errors";
import type { EventMetadata } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import { type InventoryDeps, TX_OPTIONS } from "../context.ts";
import { applyStockPlan, findStockItem } from "./stock.repository.ts";
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
 * LowStockDetected when the change crossed the reorder point — in the same transaction. Not
 * load/decide/save shaped: PostgreSQL, not Node, computes the new quantities (no oversell).
 */
export async function moveStock(
  deps: InventoryDeps,
  stockItemId: string,
  movement: Movement,
  metadata: EventMetadata,
): Promise<StockItem> {
  assertUuid(stockItemId, "stockItemId");
  const plan = planMovement(movement);
  const now = nowOf(deps);
  return runTransaction(
    deps.prisma,
    async (tx) => {
      const change = await applyStockPlan(tx, stockItemId, plan, now, {
        requireActiveWarehouse: INBOUND.has(movement.kind),
      });
      const details = movementDetails(movement, change);
      await recordEvents(
        tx,
        stockChangeEvents(change, MOVEMENT_EVENT[movement.kind], details),
        metadata,
        now,
      );
      const item = await findStockItem(tx, stockItemId);
      if (!item) throw DomainError.notFound("stock item", stockItemId);
      return item;
    },
    { entity: "stock item", id: stockItemId, transaction: TX_OPTIONS },
  );
}
