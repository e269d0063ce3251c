import { codeOf, domainError, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { initializeStock } from "./stock-item.ts";
import {
  applyPlan,
  levels,
  lowStockAfter,
  type Movement,
  movementDetails,
  planMovement,
  type StockChange,
  type StockLevels,
  stockChangeEvents,
} from "./stock-levels.ts";

/** onHand 10, reserved 4, damaged 2 → available 6. */
const stock = levels(10, 4, 2);

describe("movement rules", () => {
  it.each<[string, Movement, StockLevels]>([
    ["receive adds to onHand", { kind: "receive", quantity: 5 }, levels(15, 4, 2)],
    [
      "adjust up adds to onHand",
      { kind: "adjust", quantity: 3, type: "CORRECTION", reason: "typo" },
      levels(13, 4, 2),
    ],
    [
      "adjust down removes from onHand",
      { kind: "adjust", quantity: -6, type: "SHRINKAGE", reason: "theft" },
      levels(4, 4, 2),
    ],
    [
      "stock check sets onHand to the count",
      { kind: "count", countedQuantity: 7 },
      levels(7, 4, 2),
    ],
    ["stock check may count more", { kind: "count", countedQuantity: 12 }, levels(12, 4, 2)],
    [
      "mark damaged moves unreserved onHand to damaged",
      { kind: "markDamaged", quantity: 6 },
      levels(4, 4, 8),
    ],
    ["write off lowers damaged", { kind: "writeOff", quantity: 2 }, levels(10, 4, 0)],
    ["return adds to onHand", { kind: "return", quantity: 1 }, levels(11, 4, 2)],
  ])("%s", (_, movement, expected) => {
    expect(applyPlan(stock, planMovement(movement))).toEqual(expected);
  });

  it.each<[string, Movement]>([
    [
      "adjust may not push available below 0",
      { kind: "adjust", quantity: -7, type: "COUNT", reason: "lost" },
    ],
    ["a stock check may not count fewer than reserved", { kind: "count", countedQuantity: 3 }],
    ["only unreserved stock can be marked damaged", { kind: "markDamaged", quantity: 7 }],
    ["cannot write off more than is damaged", { kind: "writeOff", quantity: 3 }],
  ])("%s: INSUFFICIENT_STOCK", (_, movement) => {
    expect(codeOf(() => applyPlan(stock, planMovement(movement)))).toBe("INSUFFICIENT_STOCK");
  });

  it.each<[Movement, string[]]>([
    [{ kind: "receive", quantity: 0 }, ["quantity"]],
    [{ kind: "receive", quantity: 1.5, reference: "x".repeat(256) }, ["quantity", "reference"]],
    [{ kind: "adjust", quantity: 0, type: "COUNT", reason: " " }, ["quantity", "reason"]],
    [{ kind: "adjust", quantity: 1, type: "GUESS" as "COUNT", reason: "r" }, ["type"]],
    [{ kind: "count", countedQuantity: -1, note: "n".repeat(501) }, ["countedQuantity", "note"]],
    [{ kind: "markDamaged", quantity: -2 }, ["quantity"]],
    [{ kind: "writeOff", quantity: 0, reason: "r".repeat(501) }, ["quantity", "reason"]],
    [{ kind: "return", quantity: 2_000_000 }, ["quantity"]],
  ])("rejects %j naming %j", (movement, fields) => {
    const error = domainError(() => planMovement(movement), "VALIDATION_FAILED");
    expect(fieldsOf(error)).toEqual(fields);
  });

  it("computes a stock check's difference from the levels before and after", () => {
    const change = { previous: stock, current: levels(7, 4, 2) } as StockChange;
    expect(movementDetails({ kind: "count", countedQuantity: 7 }, change)).toEqual({
      countedQuantity: 7,
      difference: -3,
      note: null,
    });
  });
});

describe("invariants", () => {
  it.each([
    ["reserving up to what is available", { reserved: 6 }, null],
    ["reserving more than is available", { reserved: 7 }, "INSUFFICIENT_STOCK"],
    ["releasing what is reserved", { reserved: -4 }, null],
    ["releasing more than is reserved", { reserved: -5 }, "INSUFFICIENT_STOCK"],
    ["committing reserved units", { onHand: -4, reserved: -4 }, null],
  ])("%s → %s", (_, plan, code) => {
    expect(codeOf(() => applyPlan(stock, plan))).toBe(code);
  });
});

describe("low-stock rule", () => {
  const rp = 5;
  it.each<[string, StockLevels, StockLevels, boolean, { raised: boolean; flagged: boolean }]>([
    [
      "a decrease to the reorder point raises",
      levels(10, 0, 0),
      levels(5, 0, 0),
      false,
      { raised: true, flagged: true },
    ],
    [
      "a decrease below it raises",
      levels(10, 0, 0),
      levels(2, 0, 0),
      false,
      { raised: true, flagged: true },
    ],
    [
      "a decrease staying above it does not",
      levels(10, 0, 0),
      levels(6, 0, 0),
      false,
      { raised: false, flagged: false },
    ],
    [
      "once raised, a further decrease does not raise again",
      levels(5, 0, 0),
      levels(3, 0, 0),
      true,
      { raised: false, flagged: true },
    ],
    [
      "an increase that stays low keeps the flag",
      levels(3, 0, 0),
      levels(4, 0, 0),
      true,
      { raised: false, flagged: true },
    ],
    [
      "recovering above the reorder point clears the flag",
      levels(3, 0, 0),
      levels(6, 0, 0),
      true,
      { raised: false, flagged: false },
    ],
    [
      "low without a decrease does not raise",
      levels(0, 0, 0),
      levels(0, 0, 0),
      false,
      { raised: false, flagged: false },
    ],
    [
      "reserving counts as a decrease of available",
      levels(10, 0, 0),
      levels(10, 5, 0),
      false,
      { raised: true, flagged: true },
    ],
  ])("%s", (_, previous, current, flagged, expected) => {
    expect(lowStockAfter(previous, current, flagged, rp)).toEqual(expected);
  });
});

describe("stock change events", () => {
  const change: StockChange = {
    stockItemId: "s1",
    variantId: "v1",
    warehouseId: "w1",
    previous: levels(10, 0, 0),
    current: levels(4, 0, 0),
    reorderPoint: 5,
    reorderQuantity: 20,
    lowStockRaised: false,
    version: 7,
  };

  it("carries previous and current levels at the new version", () => {
    expect(stockChangeEvents(change, "StockAdjusted", { quantity: -6 })).toEqual([
      {
        type: "StockAdjusted",
        aggregateType: "StockItem",
        aggregateId: "s1",
        aggregateVersion: 7,
        payload: {
          stockItemId: "s1",
          variantId: "v1",
          warehouseId: "w1",
          previous: { onHand: 10, reserved: 0, damaged: 0, available: 10 },
          current: { onHand: 4, reserved: 0, damaged: 0, available: 4 },
          quantity: -6,
        },
      },
    ]);
  });

  it("adds LowStockDetected with the next consecutive version", () => {
    const events = stockChangeEvents({ ...change, lowStockRaised: true }, "StockAdjusted", {});
    expect(events.map((e) => [e.type, e.aggregateVersion])).toEqual([
      ["StockAdjusted", 6],
      ["LowStockDetected", 7],
    ]);
    expect(events[1]?.payload).toMatchObject({
      reorderPoint: 5,
      reorderQuantity: 20,
      causedBy: "StockAdjusted",
    });
  });
});

describe("initializeStock", () => {
  const now = new Date("2026-11-24T12:00:00.000Z");
  const variantId = "01900000-0000-7000-8000-000000000001";

  it("starts at zero, version 1, with StockInitialized", () => {
    const { state, events } = initializeStock(
      { variantId, reorderPoint: 3, reorderQuantity: 10 },
      { id: "w", active: true },
      "s",
      now,
    );
    expect(state).toMatchObject({
      onHand: 0,
      reserved: 0,
      damaged: 0,
      version: 1,
      warehouseId: "w",
    });
    expect(events).toEqual([
      expect.objectContaining({ type: "StockInitialized", aggregateVersion: 1, aggregateId: "s" }),
    ]);
  });

  it("names every invalid field", () => {
    const error = domainError(
      () =>
        initializeStock(
          { variantId: "x", reorderPoint: -1, reorderQuantity: 0.5 },
          { id: "w", active: true },
          "s",
          now,
        ),
      "VALIDATION_FAILED",
    );
    expect(fieldsOf(error)).toEqual(["variantId", "reorderPoint", "reorderQuantity"]);
  });

  it("refuses an inactive warehouse", () => {
    expect(codeOf(() => initializeStock({ variantId }, { id: "w", active: false }, "s", now))).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });
});
