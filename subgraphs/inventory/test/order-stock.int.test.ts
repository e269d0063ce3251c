import { ANONYMOUS, principalOf } from "@shopstream/auth";
import type { EventConsumer } from "@shopstream/events";
import { newId } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { deliverEvent } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { inventoryConsumers } from "../src/consumers.ts";
import type { InventoryTx } from "../src/db.ts";
import { initializeStock } from "../src/stock/initialize-stock.ts";
import { moveStock } from "../src/stock/move-stock.ts";
import { createWarehouse } from "../src/warehouses/create-warehouse.ts";
import {
  address,
  deliverRepeatedly,
  deps,
  eventsOf,
  expectGapFree,
  expectHistory,
  inProcessSubgraph,
  meta,
  newStockItem,
  prisma,
  stockOf,
  upstreamEvents,
} from "./helpers.ts";

const { run, context } = inProcessSubgraph();

const consumer = inventoryConsumers(prisma).find(
  (c) => c.name === "inventory.order-stock",
) as EventConsumer<InventoryTx>;

interface Line {
  lineId: string;
  variantId: string;
  quantity: number;
}

/** Order events as the ordering context publishes them, numbered per order. */
const orderEvents = upstreamEvents("Order", "ordering-test");
const orderEvent = (type: string, orderId: string, payload: Record<string, unknown>) =>
  orderEvents(type, orderId, { orderId, customerId: newId(), ...payload });

const confirmedEvent = (orderId: string, lines: Line[]) =>
  orderEvent("OrderConfirmed", orderId, {
    previousStatus: "DRAFT",
    status: "CONFIRMED",
    currency: "EUR",
    lines,
    totals: {},
  });
const paidEvent = (orderId: string) =>
  orderEvent("OrderPaid", orderId, {
    previousStatus: "PAYMENT_PENDING",
    status: "PAID",
    paymentId: newId(),
    amount: { amount: 1000, currency: "EUR" },
  });
const shipmentEvent = (
  orderId: string,
  lines: { lineId: string; quantity: number }[],
  unshipped: { lineId: string; quantity: number }[],
) =>
  orderEvent("OrderShipmentRecorded", orderId, {
    previousStatus: "PAID",
    status: unshipped.every((u) => u.quantity === 0) ? "SHIPPED" : "PARTIALLY_SHIPPED",
    shipmentId: newId(),
    lines,
    unshipped,
  });
const cancelledEvent = (orderId: string) =>
  orderEvent("OrderCancelled", orderId, {
    previousStatus: "CONFIRMED",
    status: "CANCELLED",
    reason: "customer asked",
    refundRequired: false,
    refundAmount: null,
  });

/** Through the real inbox path, as the workers deliver. */
const deliver = (event: ReturnType<typeof orderEvent>) => deliverEvent(consumer, event);

const levelsOf = async (id: string) => {
  const s = await stockOf(id);
  return { onHand: s.onHand, reserved: s.reserved, available: s.onHand - s.reserved };
};
const orderStockOf = (orderId: string) => prisma.orderStock.findUnique({ where: { orderId } });
const reservationsOf = (orderId: string) =>
  prisma.reservation.findMany({ where: { orderId }, orderBy: { id: "asc" } });

describe("inventory.order-stock consumer", () => {
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
      expect((await levelsOf(item!.id)).reserved).toBe(0);
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
    // Redelivered and replayed: the inbox, then the recorded order stock, stop the repeats.
    await deliverRepeatedly(consumer, confirmedEvent(orderId, lines));
    expect(await levelsOf(a!.id)).toEqual({ onHand: 10, reserved: 3, available: 7 });
    expect(await levelsOf(b!.id)).toEqual({ onHand: 4, reserved: 2, available: 2 });
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
    expect(await levelsOf(a!.id)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect(await levelsOf(b!.id)).toEqual({ onHand: 4, reserved: 2, available: 2 });
    expect(await orderStockOf(orderId)).toMatchObject({ status: "PARTIALLY_COMMITTED" });

    await deliver(
      shipmentEvent(
        orderId,
        [{ lineId: "l2", quantity: 1 }],
        [
          { lineId: "l1", quantity: 0 },
          { lineId: "l2", quantity: 0 },
        ],
      ),
    );
    expect(await levelsOf(a!.id)).toEqual({ onHand: 7, reserved: 0, available: 7 });
    expect(await levelsOf(b!.id)).toEqual({ onHand: 2, reserved: 0, available: 2 });
    expect((await reservationsOf(orderId)).map((r) => r.status)).toEqual([
      "COMMITTED",
      "COMMITTED",
    ]);
    expect(await orderStockOf(orderId)).toMatchObject({ status: "COMMITTED", version: 4 });

    // A cancellation after shipping releases nothing.
    await deliver(cancelledEvent(orderId));
    const events = await expectHistory(orderId, [
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
    expect(await levelsOf(item.id)).toMatchObject({ reserved: 4, available: 2 });

    const cancel = cancelledEvent(orderId);
    await deliverRepeatedly(consumer, cancel);
    // A late, different cancellation reaches the handler and changes nothing.
    expect(await deliver(cancelledEvent(orderId))).toBe("applied");

    expect(await levelsOf(item.id)).toEqual({ onHand: 6, reserved: 0, available: 6 });
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
    await deliver(cancelledEvent(orderId));
    expect(await levelsOf(item.id)).toEqual({ onHand: 3, reserved: 0, available: 3 });
    expect(await orderStockOf(orderId)).toMatchObject({ status: "RELEASED", version: 3 });
  });

  it("cancel (or payment) before anything was reserved is a no-op", async () => {
    const orderId = newId();
    await deliver(cancelledEvent(orderId));
    await deliver(paidEvent(orderId));
    expect(await orderStockOf(orderId)).toBeNull();
    expect(await eventsOf(orderId)).toEqual([]);
  });

  it("falls back to another active warehouse, never splitting a line", async () => {
    const variantId = newId();
    const other = await createWarehouse(deps, { name: unique("wh"), address }, meta());
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
      while (watching) samples.push((await levelsOf(item.id)).available);
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
    expect(results.every((r) => r.status === "fulfilled" && r.value === "applied")).toBe(true);
    const outcomes = await prisma.orderStock.findMany({
      where: { orderId: { in: orders.map((o) => o.orderId) } },
    });
    expect(outcomes).toHaveLength(50);
    const winners = orders.filter(
      (o) => outcomes.find((s) => s.orderId === o.orderId)?.status === "RESERVED",
    );
    const reservedUnits = winners.reduce((sum, o) => sum + o.quantity, 0);
    expect(reservedUnits).toBe(10);
    expect(await levelsOf(item.id)).toEqual({ onHand: 10, reserved: 10, available: 0 });
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    const shortages = await prisma.outbox.findMany({
      where: {
        aggregateId: { in: orders.map((o) => o.orderId) },
        eventType: "OrderStockShortage",
      },
    });
    // Both sides of the race happened: some orders got stock, the others a shortage.
    expect(winners.length).toBeGreaterThan(0);
    expect(shortages.length).toBeGreaterThan(0);
    expect(shortages).toHaveLength(50 - winners.length);
    const held = await prisma.reservation.aggregate({
      where: { stockItemId: item.id, status: "ACTIVE" },
      _sum: { quantity: true },
    });
    expect(held._sum.quantity).toBe(10);
    // StockItem versions stay gap-free through the concurrent reservations.
    await expectGapFree(item.id, (await stockOf(item.id)).version);
  });

  it("dead-letters an OrderConfirmed without lines", async () => {
    const event = orderEvent("OrderConfirmed", newId(), { lines: "nope" });
    await expect(deliver(event)).rejects.toMatchObject({ name: "PermanentEventError" });
  });
});

describe("Order.reservations", () => {
  it("resolves an order's reservations through _entities, batched", async () => {
    const item = await newStockItem({ onHand: 5 });
    const [o1, o2] = [newId(), newId()];
    await deliver(confirmedEvent(o1, [{ lineId: "l1", variantId: item.variantId, quantity: 2 }]));
    await deliver(confirmedEvent(o2, [{ lineId: "l1", variantId: item.variantId, quantity: 1 }]));
    const res = await run(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id reservations { id quantity status stockItem { id } } } } }`,
      { reps: [o1, o2, newId()].map((id) => ({ __typename: "Order", id })) },
    );
    expect(res.errors).toBeUndefined();
    const entities = res.data?._entities as {
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

describe("who sees an order's reservations (Entity.Order)", () => {
  const RESERVATIONS = `query($reps: [_Any!]!) { _entities(representations: $reps) {
    ... on Order { id reservations { id quantity } } } }`;
  const asCaller = (principal: ReturnType<typeof principalOf>) => ({
    ...context(),
    principal,
    actor: "t",
  });
  const reservationsAs = async (principal: ReturnType<typeof principalOf>, orderId: string) => {
    const result = await run(
      RESERVATIONS,
      { reps: [{ __typename: "Order", id: orderId }] },
      asCaller(principal),
    );
    return { errors: result.errors, entity: ((result.data?._entities ?? []) as unknown[])[0] };
  };

  it("the order's customer (learnt from OrderConfirmed) and staff see them; another customer, and anyone for an order inventory does not know, get what an unknown order gets", async () => {
    const item = await newStockItem({ onHand: 5 });
    const orderId = newId();
    const customerId = newId();
    await deliver(
      orderEvents("OrderConfirmed", orderId, {
        orderId,
        customerId,
        previousStatus: "DRAFT",
        status: "CONFIRMED",
        currency: "EUR",
        lines: [{ lineId: "l1", variantId: item!.variantId, quantity: 2 }],
        totals: {},
      }),
    );
    const owner = principalOf("ext-owner", ["customer"], customerId.toUpperCase());
    const other = principalOf("ext-other", ["customer"], newId());
    const fulfilment = principalOf("fay", ["fulfilment"]);

    const mine = await reservationsAs(owner, orderId);
    expect(mine.errors).toBeUndefined();
    expect(mine.entity).toMatchObject({ id: orderId, reservations: [{ quantity: 2 }] });
    expect((await reservationsAs(fulfilment, orderId)).entity).toMatchObject({
      reservations: [{ quantity: 2 }],
    });
    // Another customer's order is answered as an unknown one: no reservations, no error.
    const theirs = await reservationsAs(other, orderId);
    expect(theirs).toEqual({ errors: undefined, entity: { id: orderId, reservations: [] } });
    // An order inventory has not heard of: the resolver's own answer (no reservations), the same
    // for everyone.
    const unknown = newId();
    expect(await reservationsAs(other, unknown)).toEqual(await reservationsAs(owner, unknown));
    expect((await reservationsAs(other, unknown)).entity).toEqual({
      id: unknown,
      reservations: [],
    });
    // Anonymous callers may not resolve orders at all.
    const anonymous = await reservationsAs(ANONYMOUS, orderId);
    expect(anonymous.entity).toBeNull();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });
});
