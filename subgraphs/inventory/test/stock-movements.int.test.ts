import { expectDomainError } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { moveStock } from "../src/stock/move-stock.ts";
import {
  applyPlan,
  levels,
  lowStockAfter,
  type Movement,
  planMovement,
} from "../src/stock/stock-levels.ts";
import {
  deps,
  expectGapFree,
  expectHistory,
  meta,
  newStockItem,
  prisma,
  stockOf,
} from "./helpers.ts";

describe("stock movements (guarded updates, real PostgreSQL)", () => {
  it("books each movement with its event, levels before and after, and gap-free versions", async () => {
    const item = await newStockItem();
    const steps: [Movement, string][] = [
      [{ kind: "receive", quantity: 20, reference: "PO-1" }, "StockReceived"],
      [{ kind: "adjust", quantity: -2, type: "SHRINKAGE", reason: "theft" }, "StockAdjusted"],
      [{ kind: "count", countedQuantity: 17, note: "cycle count" }, "StockCounted"],
      [{ kind: "markDamaged", quantity: 3, reason: "dropped" }, "StockMarkedDamaged"],
      [{ kind: "writeOff", quantity: 2 }, "DamagedStockWrittenOff"],
      [{ kind: "return", quantity: 1, reason: "customer return" }, "StockReturned"],
    ];
    for (const [movement] of steps) await moveStock(deps, item.id, movement, meta());

    const stored = await stockOf(item.id);
    expect(stored).toMatchObject({
      onHand: 15,
      reserved: 0,
      damaged: 1,
      lastCountedQuantity: 17,
      version: 7,
    });
    const events = await expectHistory(item.id, ["StockInitialized", ...steps.map((s) => s[1])]);
    expect(events[3]?.payload).toMatchObject({
      stockItemId: item.id,
      variantId: item.variantId,
      warehouseId: item.warehouseId,
      previous: { onHand: 18, reserved: 0, damaged: 0, available: 18 },
      current: { onHand: 17, reserved: 0, damaged: 0, available: 17 },
      countedQuantity: 17,
      difference: -1,
    });
    expect(events[4]?.payload).toMatchObject({
      previous: { onHand: 17, damaged: 0 },
      current: { onHand: 14, damaged: 3, available: 14 },
    });
  });

  it("answers INSUFFICIENT_STOCK and changes nothing when a movement would break an invariant", async () => {
    const item = await newStockItem({ onHand: 5 });
    await expectDomainError(
      moveStock(
        deps,
        item.id,
        { kind: "adjust", quantity: -6, type: "COUNT", reason: "r" },
        meta(),
      ),
      "INSUFFICIENT_STOCK",
    );
    await expectDomainError(
      moveStock(deps, item.id, { kind: "writeOff", quantity: 1 }, meta()),
      "INSUFFICIENT_STOCK",
    );
    await expectDomainError(
      moveStock(deps, item.id, { kind: "markDamaged", quantity: 6 }, meta()),
      "INSUFFICIENT_STOCK",
    );
    const stored = await stockOf(item.id);
    expect(stored).toMatchObject({ onHand: 5, damaged: 0, version: 2 });
    await expectGapFree(item.id, 2);
  });

  it("answers NOT_FOUND for an unknown stock item and VALIDATION_FAILED for a bad id", async () => {
    await expectDomainError(
      moveStock(
        deps,
        "01900000-0000-7000-8000-00000000dead",
        { kind: "receive", quantity: 1 },
        meta(),
      ),
      "NOT_FOUND",
    );
    await expectDomainError(
      moveStock(deps, "42", { kind: "receive", quantity: 1 }, meta()),
      "VALIDATION_FAILED",
    );
  });

  it("raises LowStockDetected once per dip, with the version rising by 2", async () => {
    const item = await newStockItem({ onHand: 10, reorderPoint: 4 });
    const adjust = (quantity: number) =>
      moveStock(
        deps,
        item.id,
        { kind: "adjust", quantity, type: "CORRECTION", reason: "r" },
        meta(),
      );
    await adjust(-6); // 4 ≤ 4: raised (v3 adjusted, v4 low stock)
    await adjust(-1); // still low: not raised again (v5)
    await adjust(+1); // 4: still at the reorder point, flag kept (v6)
    await adjust(+3); // 7 > 4: recovered, flag cleared (v7)
    await adjust(-5); // 2: raised again (v8, v9)
    const events = await expectGapFree(item.id, 9);
    expect(
      events.filter((e) => e.eventType === "LowStockDetected").map((e) => e.aggregateVersion),
    ).toEqual([4, 9]);
    expect(events[3]?.payload).toMatchObject({
      reorderPoint: 4,
      causedBy: "StockAdjusted",
      current: { available: 4 },
    });
    const stored = await stockOf(item.id);
    expect(stored).toMatchObject({ lowStock: true, version: 9, onHand: 2 });
  });

  it("agrees with the pure rules on a random sequence of movements", async () => {
    const item = await newStockItem({ reorderPoint: 3 });
    let expected = levels(0, 0, 0);
    let flagged = false;
    const random = (n: number) => Math.floor(Math.random() * n);
    for (let i = 0; i < 40; i++) {
      const movements: Movement[] = [
        { kind: "receive", quantity: 1 + random(5) },
        { kind: "adjust", quantity: random(7) - 4 || 1, type: "COUNT", reason: "r" },
        { kind: "count", countedQuantity: random(12) },
        { kind: "markDamaged", quantity: 1 + random(3) },
        { kind: "writeOff", quantity: 1 + random(2) },
        { kind: "return", quantity: 1 },
      ];
      const movement = movements[random(movements.length)]!;
      let next: ReturnType<typeof levels> | null = null;
      try {
        next = applyPlan(expected, planMovement(movement));
      } catch {
        next = null;
      }
      const result = moveStock(deps, item.id, movement, meta());
      if (next === null) {
        await expectDomainError(result, "INSUFFICIENT_STOCK");
        continue;
      }
      const stored = await result;
      flagged = lowStockAfter(expected, next, flagged, 3).flagged;
      expected = next;
      expect({ onHand: stored.onHand, damaged: stored.damaged, lowStock: stored.lowStock }).toEqual(
        {
          onHand: expected.onHand,
          damaged: expected.damaged,
          lowStock: flagged,
        },
      );
    }
    const stored = await stockOf(item.id);
    await expectGapFree(item.id, stored.version);
  });

  it("loses no update when movements race on one stock item", async () => {
    const item = await newStockItem({ onHand: 100 });
    const movements: Movement[] = [
      ...Array.from({ length: 20 }, (): Movement => ({ kind: "receive", quantity: 2 })),
      ...Array.from({ length: 20 }, (): Movement => ({ kind: "markDamaged", quantity: 3 })),
      ...Array.from(
        { length: 10 },
        (): Movement => ({ kind: "adjust", quantity: -1, type: "SHRINKAGE", reason: "r" }),
      ),
    ];
    await Promise.all(movements.map((m) => moveStock(deps, item.id, m, meta())));
    const stored = await stockOf(item.id);
    expect(stored).toMatchObject({ onHand: 100 + 40 - 60 - 10, damaged: 60, version: 2 + 50 });
    await expectGapFree(item.id, 52);
  });

  it("never drives a quantity below 0 when more decreases race than there is stock", async () => {
    const item = await newStockItem({ onHand: 10 });
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () =>
        moveStock(
          deps,
          item.id,
          { kind: "adjust", quantity: -1, type: "SHRINKAGE", reason: "r" },
          meta(),
        ),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "INSUFFICIENT_STOCK" });
    }
    expect(await stockOf(item.id)).toMatchObject({
      onHand: 0,
    });
  });
});

describe("CHECK constraints", () => {
  it.each([
    ["on_hand = -1", "stock_item_on_hand_non_negative"],
    ["reserved = -1", "stock_item_reserved_non_negative"],
    ["damaged = -1", "stock_item_damaged_non_negative"],
    ["reserved = on_hand + 1", "stock_item_reserved_within_on_hand"],
  ])("reject a direct UPDATE setting %s", async (assignment, constraint) => {
    const item = await newStockItem({ onHand: 3 });
    await expect(
      prisma.$executeRawUnsafe(`UPDATE stock_item SET ${assignment} WHERE id = $1::uuid`, item.id),
    ).rejects.toThrow(constraint);
    expect(await stockOf(item.id)).toMatchObject({
      onHand: 3,
      reserved: 0,
      damaged: 0,
    });
  });
});
