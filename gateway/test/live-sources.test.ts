import { defaultMetadata, toEnvelope } from "@shopstream/outbox";
import { domainError, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { decodeLiveCursor } from "../src/live/cursor.ts";
import { LIVE_SOURCES, orderStatusChanged, stockLevelChanged } from "../src/live/sources.ts";
import { levels, live, orderEvent, orderIds, stockEvent, stockIds } from "./live-fixtures.ts";

/** The fields named by the VALIDATION_FAILED that `run` throws. */
const fieldsRefused = (run: () => unknown) => fieldsOf(domainError(run, "VALIDATION_FAILED"));

describe("orderStatusChanged", () => {
  const ids = orderIds();
  const confirmed = orderEvent("OrderConfirmed", ids, {
    previousStatus: "CREATED",
    status: "CONFIRMED",
    currency: "EUR",
  });

  it("turns an Order event that moves the status into the change, its cursor and the order", () => {
    const payload = orderStatusChanged.filter({})(live(confirmed, "1732406400000-3"));
    expect(payload).toEqual({
      cursor: expect.any(String),
      fields: {
        previousStatus: "CREATED",
        status: "CONFIRMED",
        event: "OrderConfirmed",
        occurredAt: confirmed.occurredAt,
      },
      entities: { order: { rootField: "order", id: ids.orderId } },
    });
    expect(decodeLiveCursor(payload!.cursor, "ordering")).toBe("1732406400000-3");
  });

  it("gives OrderPlaced, which has no previous status, previousStatus null", () => {
    const placed = orderEvent("OrderPlaced", ids, { status: "CREATED", currency: "EUR" });
    expect(orderStatusChanged.filter({})(live(placed))?.fields).toMatchObject({
      previousStatus: null,
      status: "CREATED",
      event: "OrderPlaced",
    });
  });

  it("skips Order events that leave the status alone, and other aggregates' status changes", () => {
    const select = orderStatusChanged.filter({});
    const itemAdded = orderEvent("OrderItemAdded", ids, { lineId: "l1", quantity: 2 });
    const same = orderEvent("OrderCouponApplied", ids, {
      previousStatus: "CREATED",
      status: "CREATED",
    });
    // Carts live on ordering's stream too, with statuses of their own.
    const cart = toEnvelope(
      {
        type: "CartCheckedOut",
        aggregateType: "Cart",
        aggregateId: ids.orderId,
        aggregateVersion: 3,
        payload: { orderId: ids.orderId, previousStatus: "ACTIVE", status: "CONVERTED" },
      },
      defaultMetadata(),
    );
    expect([itemAdded, same, cart].map((e) => select(live(e)))).toEqual([null, null, null]);
  });

  it("filters by order and by customer, whatever the case of the UUID given", () => {
    const otherIds = orderIds();
    const other = orderEvent("OrderConfirmed", otherIds, {
      previousStatus: "CREATED",
      status: "CONFIRMED",
    });
    const matches = (args: Record<string, unknown>) =>
      [confirmed, other].map((e) => orderStatusChanged.filter(args)(live(e)) !== null);
    expect(matches({ orderId: ids.orderId })).toEqual([true, false]);
    expect(matches({ orderId: ids.orderId.toUpperCase() })).toEqual([true, false]);
    expect(matches({ customerId: ids.customerId })).toEqual([true, false]);
    expect(matches({ orderId: ids.orderId, customerId: otherIds.customerId })).toEqual([
      false,
      false,
    ]);
    expect(matches({ orderId: null, customerId: undefined })).toEqual([true, true]);
  });

  it("refuses arguments that are not UUIDs with VALIDATION_FAILED naming each", () => {
    expect(fieldsRefused(() => orderStatusChanged.filter({ orderId: "42" }))).toEqual(["orderId"]);
    expect(
      fieldsRefused(() =>
        orderStatusChanged.filter({ orderId: 42, customerId: `${ids.orderId}x` }),
      ),
    ).toEqual(["orderId", "customerId"]);
  });
});

describe("stockLevelChanged", () => {
  const ids = stockIds();
  const reserved = stockEvent("StockReserved", ids, levels(5), levels(5, 1));

  it("turns a StockItem event with levels into the change and its variant, stock item and warehouse", () => {
    const payload = stockLevelChanged.filter({})(live(reserved, "1732406400000-9"));
    expect(payload).toEqual({
      cursor: expect.any(String),
      fields: {
        previous: levels(5),
        current: levels(5, 1),
        event: "StockReserved",
        occurredAt: reserved.occurredAt,
      },
      entities: {
        variant: { rootField: "productVariant", id: ids.variantId },
        stockItem: { rootField: "stockItem", id: ids.stockItemId },
        warehouse: { rootField: "warehouse", id: ids.warehouseId },
      },
    });
    expect(decodeLiveCursor(payload!.cursor, "inventory")).toBe("1732406400000-9");
  });

  it("leaves out LowStockDetected (it repeats its movement's levels) and events without levels", () => {
    const select = stockLevelChanged.filter({});
    const low = stockEvent("LowStockDetected", ids, levels(5), levels(5, 1));
    const initialized = toEnvelope(
      {
        type: "StockInitialized",
        aggregateType: "StockItem",
        aggregateId: ids.stockItemId,
        aggregateVersion: 1,
        payload: { variantId: ids.variantId, warehouseId: ids.warehouseId, reorderPoint: 3 },
      },
      defaultMetadata(),
    );
    const fractional = stockEvent("StockAdjusted", ids, levels(5), { ...levels(5), onHand: 4.5 });
    const reservation = { ...reserved, aggregateType: "Reservation" };
    expect([low, initialized, fractional, reservation].map((e) => select(live(e)))).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("filters by variant and by warehouse", () => {
    const elsewhere = stockEvent(
      "StockReceived",
      { ...stockIds(), variantId: ids.variantId },
      levels(0),
      levels(3),
    );
    const matches = (args: Record<string, unknown>) =>
      [reserved, elsewhere].map((e) => stockLevelChanged.filter(args)(live(e)) !== null);
    expect(matches({ variantId: ids.variantId })).toEqual([true, true]);
    expect(matches({ warehouseId: ids.warehouseId })).toEqual([true, false]);
    expect(matches({ variantId: ids.variantId, warehouseId: ids.warehouseId })).toEqual([
      true,
      false,
    ]);
    expect(matches({ variantId: stockIds().variantId })).toEqual([false, false]);
  });

  it("refuses arguments that are not UUIDs with VALIDATION_FAILED naming each", () => {
    expect(fieldsRefused(() => stockLevelChanged.filter({ warehouseId: "main" }))).toEqual([
      "warehouseId",
    ]);
    expect(
      fieldsRefused(() => stockLevelChanged.filter({ variantId: "", warehouseId: ["x"] })),
    ).toEqual(["variantId", "warehouseId"]);
  });
});

describe("LIVE_SOURCES", () => {
  it("serves each Subscription field from its owning context's stream", () => {
    expect(
      Object.fromEntries(Object.entries(LIVE_SOURCES).map(([field, s]) => [field, s.context])),
    ).toEqual({ orderStatusChanged: "ordering", stockLevelChanged: "inventory" });
  });
});
