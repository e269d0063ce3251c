import type { EventConsumer } from "@shopstream/events";
import { defaultMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { createLogger } from "@shopstream/service";
import { unique } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryConsumers } from "../src/consumers.ts";
import { createContext } from "../src/context.ts";
import type { Prisma } from "../src/generated/prisma/client.ts";
import { createServer } from "../src/server.ts";
import { initializeStock } from "../src/stock/initialize-stock.ts";
import { moveStock } from "../src/stock/move-stock.ts";
import { createWarehouse } from "../src/warehouses/create-warehouse.ts";
import { deps, eventsOf, expectGapFree, meta, newStockItem, prisma } from "./helpers.ts";

const server = createServer(createLogger("inventory-test", "error"));
beforeAll(() => server.start());
afterAll(async () => {
  await server.stop();
  await prisma.$disconnect();
});

const consumer = inventoryConsumers(prisma).find(
  (c) => c.name === "inventory.order-stock",
) as EventConsumer<Prisma.TransactionClient>;

interface Line {
  lineId: string;
  variantId: string;
  quantity: number;
}

/** A hand-built Order event as the ordering context publishes it. */
function orderEvent(
  type: string,
  orderId: string,
  version: number,
  payload: Record<string, unknown>,
) {
  return toEnvelope(
    {
      type,
      aggregateType: "Order",
      aggregateId: orderId,
      aggregateVersion: version,
      payload: { orderId, customerId: newId(), ...payload },
    },
    defaultMetadata({ actor: "ordering-test" }),
  );
}

const confirmedEvent = (orderId: string, lines: Line[]) =>
  orderEvent("OrderConfirmed", orderId, 2, {
    previousStatus: "DRAFT",
    status: "CONFIRMED",
    currency: "EUR",
    lines,
    totals: {},
  });
const paidEvent = (orderId: string) =>
  orderEvent("OrderPaid", orderId, 4, {
    previousStatus: "PAYMENT_PENDING",
    status: "PAID",
    paymentId: newId(),
    amount: { amount: 1000, currency: "EUR" },
  });
const shipmentEvent = (
  orderId: string,
  version: number,
  lines: { lineId: string; quantity: number }[],
  unshipped: { lineId: string; quantity: number }[],
) =>
  orderEvent("OrderShipmentRecorded", orderId, version, {
    previousStatus: "PAID",
    status: unshipped.every((u) => u.quantity === 0) ? "SHIPPED" : "PARTIALLY_SHIPPED",
    shipmentId: newId(),
    lines,
    unshipped,
  });
const cancelledEvent = (orderId: string, version = 3) =>
  orderEvent("OrderCancelled", orderId, version, {
    previousStatus: "CONFIRMED",
    status: "CANCELLED",
    reason: "customer asked",
    refundRequired: false,
    refundAmount: null,
  });

/** What the runner does: the handler inside the consumer's own transaction. */
const deliver = (event: ReturnType<typeof orderEvent>) =>
  consumer.transaction((tx) => consumer.handlers[event.type]!(event, tx));

const stockOf = async (id: string) => {
  const s = await prisma.stockItem.findUniqueOrThrow({ where: { id } });
  return { onHand: s.onHand, reserved: s.reserved, available: s.onHand - s.reserved };
};
const orderStockOf = (orderId: string) => prisma.orderStock.findUnique({ where: { orderId } });
const reservationsOf = (orderId: string) =>
  prisma.reservation.findMany({ where: { orderId }, orderBy: { id: "asc" } });

describe("inventory.order-stock consumer", () => {
  it("declares what the workers need", () => {
    expect(consumer).toMatchObject({
      name: "inventory.order-stock",
      source: "ordering",
      aggregateTypes: ["Order"],
    });
    expect(Object.keys(consumer.handlers).sort()).toEqual([
      "OrderCancelled",
      "OrderConfirmed",
      "OrderPaid",
      "OrderShipmentRecorded",
    ]);
  });

  it("reserves all or nothing: 3 lines, the last short → nothing reserved, OrderStockShortage", async () => {
    const [a, b, c] = await Promise.all([
      newStockItem({ onHand: 5 }),
      newStockItem({ onHand: 5 }),
      newStockItem({ onHand: 2 }),
    ]);
    const orderId = newId();
    const lines = [
      { lineId: "l1", variantId: a!.variantId, quantity: 2 },
      { lineId: "l2", variantId: b!.variantId, quantity: 5 },
      { lineId: "l3", variantId: c!.variantId, quantity: 3 },
    ];
    const eventsBefore = await Promise.all([a, b, c].map((i) => eventsOf(i!.id)));
    await deliver(confirmedEvent(orderId, lines));

    for (const item of [a, b, c]) {
      expect((await stockOf(item!.id)).reserved).toBe(0);
    }
    // The rolled-back reservations left no StockItem events behind.
    const eventsAfter = await Promise.all([a, b, c].map((i) => eventsOf(i!.id)));
    expect(eventsAfter.map((e) => e.length)).toEqual(eventsBefore.map((e) => e.length));
    expect(await reservationsOf(orderId)).toEqual([]);
    expect(await orderStockOf(orderId)).toMatchObject({ status: "SHORTAGE", version: 1 });
    const events = await eventsOf(orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventType: "OrderStockShortage",
      aggregateType: "OrderStock",
      aggregateVersion: 1,
      payload: { orderId, shortages: [{ variantId: c!.variantId, requested: 3, available: 2 }] },
    });
    expect(events[0]?.metadata).toMatchObject({ actor: "inventory.order-stock" });

    // A later cancellation of the short order changes nothing.
    await deliver(cancelledEvent(orderId));
    expect(await eventsOf(orderId)).toHaveLength(1);
  });

  it("lists every short line with what its best stock item holds", async () => {
    const [a, b] = await Promise.all([newStockItem({ onHand: 1 }), newStockItem()]);
    const orderId = newId();
    await deliver(
      confirmedEvent(orderId, [
        { lineId: "l1", variantId: a!.variantId, quantity: 4 },
        { lineId: "l2", variantId: b!.variantId, quantity: 1 },
        { lineId: "l3", variantId: newId(), quantity: 1 },
      ]),
    );
    const [shortageEvent] = await eventsOf(orderId);
    const shortages = (shortageEvent!.payload as { shortages: unknown[] }).shortages;
    expect(shortages).toHaveLength(3);
    expect(shortages).toEqual(
      expect.arrayContaining([
        { variantId: a!.variantId, requested: 4, available: 1 },
        { variantId: b!.variantId, requested: 1, available: 0 },
      ]),
    );
  });

  it("success path: reserve → paid → partial shipment → full shipment; levels right, events gap-free", async () => {
    const [a, b] = await Promise.all([newStockItem({ onHand: 10 }), newStockItem({ onHand: 4 })]);
    const orderId = newId();
    const lines = [
      { lineId: "l1", variantId: a!.variantId, quantity: 3 },
      { lineId: "l2", variantId: b!.variantId, quantity: 2 },
    ];
    const confirm = confirmedEvent(orderId, lines);
    await deliver(confirm);
    await deliver(confirm); // redelivered: nothing more
    expect(await stockOf(a!.id)).toEqual({ onHand: 10, reserved: 3, available: 7 });
    expect(await stockOf(b!.id)).toEqual({ onHand: 4, reserved: 2, available: 2 });
    const held = await reservationsOf(orderId);
    expect(held).toHaveLength(2);
    expect(held.every((r) => r.status === "ACTIVE")).toBe(true);
    const [reservedEvent] = await eventsOf(orderId);
    expect(reservedEvent).toMatchObject({
      eventType: "OrderStockReserved",
      aggregateVersion: 1,
      payload: {
        orderId,
        reservations: expect.arrayContaining([
          expect.objectContaining({ variantId: a!.variantId, stockItemId: a!.id, quantity: 3 }),
          expect.objectContaining({ variantId: b!.variantId, stockItemId: b!.id, quantity: 2 }),
        ]),
      },
    });
    // The stock items raised their usual StockReserved events, tied to the order.
    const aEvents = await eventsOf(a!.id);
    expect(aEvents.at(-1)).toMatchObject({
      eventType: "StockReserved",
      payload: { orderId, previous: { reserved: 0 }, current: { reserved: 3, available: 7 } },
    });

    await deliver(paidEvent(orderId));
    expect((await reservationsOf(orderId)).map((r) => r.status)).toEqual([
      "CONFIRMED",
      "CONFIRMED",
    ]);
    // Paid stock stays held until it ships: the expiry moved out to days.
    expect(
      (await reservationsOf(orderId)).every(
        (r) => r.expiresAt.getTime() > Date.now() + 24 * 3600_000,
      ),
    ).toBe(true);

    // Partial: line 1 fully, line 2 one of two units → only line 1 commits.
    await deliver(
      shipmentEvent(
        orderId,
        5,
        [
          { lineId: "l1", quantity: 3 },
          { lineId: "l2", quantity: 1 },
        ],
        [
          { lineId: "l1", quantity: 0 },
          { lineId: "l2", quantity: 1 },
        ],
      ),
    );
    expect(await stockOf(a!.id)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect(await stockOf(b!.id)).toEqual({ onHand: 4, reserved: 2, available: 2 });
    expect(await orderStockOf(orderId)).toMatchObject({ status: "PARTIALLY_COMMITTED" });

    await deliver(
      shipmentEvent(
        orderId,
        6,
        [{ lineId: "l2", quantity: 1 }],
        [
          { lineId: "l1", quantity: 0 },
          { lineId: "l2", quantity: 0 },
        ],
      ),
    );
    expect(await stockOf(a!.id)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect(await stockOf(b!.id)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    expect((await reservationsOf(orderId)).map((r) => r.status)).toEqual([
      "COMMITTED",
      "COMMITTED",
    ]);
    expect(await orderStockOf(orderId)).toMatchObject({ status: "COMMITTED", version: 4 });

    // A cancellation after shipping releases nothing.
    await deliver(cancelledEvent(orderId, 7));
    const events = await eventsOf(orderId);
    expectGapFree(events, 4);
    expect(events.map((e) => e.eventType)).toEqual([
      "OrderStockReserved",
      "OrderStockConfirmed",
      "OrderStockCommitted",
      "OrderStockCommitted",
    ]);
    expect(events[2]?.payload).toMatchObject({
      status: "PARTIALLY_COMMITTED",
      lines: [{ lineId: "l1", variantId: a!.variantId, quantity: 3 }],
    });
    expect(events[3]?.payload).toMatchObject({
      status: "COMMITTED",
      lines: [{ lineId: "l2", variantId: b!.variantId, quantity: 2 }],
    });
  });

  it("cancel after reserve releases once, even when delivered twice (also at once)", async () => {
    const item = await newStockItem({ onHand: 6 });
    const orderId = newId();
    await deliver(
      confirmedEvent(orderId, [{ lineId: "l1", variantId: item.variantId, quantity: 4 }]),
    );
    expect(await stockOf(item.id)).toMatchObject({ reserved: 4, available: 2 });

    const cancel = cancelledEvent(orderId);
    await Promise.all([deliver(cancel), deliver(cancel)]);
    await deliver(cancel);
    await deliver(cancelledEvent(orderId, 9)); // a late, different cancellation

    expect(await stockOf(item.id)).toEqual({ onHand: 6, reserved: 0, available: 6 });
    const [r] = await reservationsOf(orderId);
    expect(r).toMatchObject({ status: "RELEASED", releaseReason: "CANCELLED" });
    const events = await eventsOf(orderId);
    expect(events.map((e) => e.eventType)).toEqual(["OrderStockReserved", "OrderStockReleased"]);
    expect(events[1]?.payload).toMatchObject({
      previousStatus: "RESERVED",
      status: "RELEASED",
      reason: "customer asked",
      reservations: [{ reservationId: r!.id, quantity: 4 }],
    });
    const released = (await eventsOf(item.id)).filter(
      (e) => e.eventType === "ReservedStockReleased",
    );
    expect(released).toHaveLength(1);
  });

  it("cancel after payment releases the confirmed reservations", async () => {
    const item = await newStockItem({ onHand: 3 });
    const orderId = newId();
    await deliver(
      confirmedEvent(orderId, [{ lineId: "l1", variantId: item.variantId, quantity: 3 }]),
    );
    await deliver(paidEvent(orderId));
    await deliver(cancelledEvent(orderId, 5));
    expect(await stockOf(item.id)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await orderStockOf(orderId)).toMatchObject({ status: "RELEASED", version: 3 });
  });

  it("cancel (or payment) before anything was reserved is a no-op", async () => {
    const orderId = newId();
    await deliver(cancelledEvent(orderId, 1));
    await deliver(paidEvent(orderId));
    expect(await orderStockOf(orderId)).toBeNull();
    expect(await eventsOf(orderId)).toEqual([]);
  });

  it("falls back to another active warehouse, never splitting a line", async () => {
    const variantId = newId();
    const other = await createWarehouse(
      deps,
      {
        name: unique("wh"),
        address: { street: "1 Dock Rd", city: "Hull", postalCode: "HU1 1AA", country: "GB" },
      },
      meta(),
    );
    const inDefault = await initializeStock(deps, { variantId, warehouseId: null }, meta());
    const inOther = await initializeStock(deps, { variantId, warehouseId: other.id }, meta());
    await moveStock(deps, inDefault.id, { kind: "receive", quantity: 2 }, meta());
    await moveStock(deps, inOther.id, { kind: "receive", quantity: 5 }, meta());

    const small = newId();
    await deliver(confirmedEvent(small, [{ lineId: "l1", variantId, quantity: 2 }]));
    const big = newId();
    await deliver(confirmedEvent(big, [{ lineId: "l1", variantId, quantity: 4 }]));
    expect((await reservationsOf(small))[0]?.stockItemId).toBe(inDefault.id);
    expect((await reservationsOf(big))[0]?.stockItemId).toBe(inOther.id);

    // 4 more: 0 left in the default warehouse, 1 in the other; never split → shortage.
    const split = newId();
    await deliver(confirmedEvent(split, [{ lineId: "l1", variantId, quantity: 2 }]));
    const [e] = await eventsOf(split);
    expect(e).toMatchObject({
      eventType: "OrderStockShortage",
      payload: { shortages: [{ variantId, requested: 2, available: 1 }] },
    });
  });

  it("flash sale through the consumer: 50 concurrent orders, 10 units → exactly 10 reserved", async () => {
    const item = await newStockItem({ onHand: 10 });
    const orders = Array.from({ length: 50 }, (_, i) => ({
      orderId: newId(),
      quantity: 1 + (i % 3),
    }));
    let watching = true;
    const samples: number[] = [];
    const watcher = (async () => {
      while (watching) samples.push((await stockOf(item.id)).available);
    })();
    const results = await Promise.allSettled(
      orders.map((o) =>
        deliver(
          confirmedEvent(o.orderId, [
            { lineId: "l1", variantId: item.variantId, quantity: o.quantity },
          ]),
        ),
      ),
    );
    watching = false;
    await watcher;

    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const outcomes = await prisma.orderStock.findMany({
      where: { orderId: { in: orders.map((o) => o.orderId) } },
    });
    expect(outcomes).toHaveLength(50);
    const winners = orders.filter(
      (o) => outcomes.find((s) => s.orderId === o.orderId)?.status === "RESERVED",
    );
    const reservedUnits = winners.reduce((sum, o) => sum + o.quantity, 0);
    expect(reservedUnits).toBe(10);
    expect(await stockOf(item.id)).toEqual({ onHand: 10, reserved: 10, available: 0 });
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    const shortages = await prisma.outbox.findMany({
      where: {
        aggregateId: { in: orders.map((o) => o.orderId) },
        eventType: "OrderStockShortage",
      },
    });
    expect(shortages).toHaveLength(50 - winners.length);
    const held = await prisma.reservation.aggregate({
      where: { stockItemId: item.id, status: "ACTIVE" },
      _sum: { quantity: true },
    });
    expect(held._sum.quantity).toBe(10);
    // StockItem versions stay gap-free through the concurrent reservations.
    const itemEvents = await eventsOf(item.id);
    expectGapFree(itemEvents, itemEvents.length);
  });

  it("dead-letters an OrderConfirmed without lines", async () => {
    const event = orderEvent("OrderConfirmed", newId(), 2, { lines: "nope" });
    await expect(deliver(event)).rejects.toMatchObject({ name: "PermanentEventError" });
  });
});

describe("Order.reservations", () => {
  it("resolves an order's reservations through _entities, batched", async () => {
    const item = await newStockItem({ onHand: 5 });
    const [o1, o2] = [newId(), newId()];
    await deliver(confirmedEvent(o1, [{ lineId: "l1", variantId: item.variantId, quantity: 2 }]));
    await deliver(confirmedEvent(o2, [{ lineId: "l1", variantId: item.variantId, quantity: 1 }]));
    const res = await server.executeOperation(
      {
        query: `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id reservations { id quantity status stockItem { id } } } } }`,
        variables: {
          reps: [o1, o2, newId()].map((id) => ({ __typename: "Order", id })),
        },
      },
      { contextValue: createContext(deps, { correlationId: "t", actor: "t" }) },
    );
    if (res.body.kind !== "single") throw new Error("expected a single result");
    expect(res.body.singleResult.errors).toBeUndefined();
    const entities = res.body.singleResult.data?._entities as {
      id: string;
      reservations: { quantity: number; status: string; stockItem: { id: string } }[];
    }[];
    expect(entities.map((e) => e.reservations.map((r) => r.quantity))).toEqual([[2], [1], []]);
    expect(entities[0]?.reservations[0]).toMatchObject({
      status: "ACTIVE",
      stockItem: { id: item.id },
    });
  });
});
