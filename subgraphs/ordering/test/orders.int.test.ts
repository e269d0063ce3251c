import { changeAggregate } from "@shopstream/commands";
import { defaultMetadata } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { describe, expect, it } from "vitest";
import { orderStore } from "../src/orders/order.repository.ts";
import { markPaymentPending, recordPaymentSucceeded } from "../src/orders/order-lifecycle.ts";
import {
  orderById as byId,
  codeOfResult,
  fails,
  fieldsOf,
  gql,
  ORDER_FIELDS,
  type OrderView,
  ok,
  PLACE_ORDER as PLACE,
  placeOrder as place,
  prisma,
  raceUntil,
  readOrder,
  seedCustomer,
  seedVariant,
  useServer,
} from "./ordering.harness.ts";

useServer();

/** An order in CREATED: 2 × 1000 + 1 × 250 (EUR). */
async function createdOrder(customerOpts: { tier?: string } = {}) {
  const customerId = await seedCustomer(customerOpts);
  const a = await seedVariant(1000, { tierPrices: [{ tier: "GOLD", amount: 800 }] });
  const b = await seedVariant(250);
  const order = await place({
    customerId,
    lines: [
      { variantId: a, quantity: 2 },
      { variantId: b, quantity: 1 },
    ],
  });
  return { customerId, a, b, order };
}

/** Drives an order through the saga's steps (no saga yet): CONFIRMED → PAYMENT_PENDING → PAID. */
async function paidOrder() {
  const { order, ...rest } = await createdOrder();
  await byId("confirmOrder", order.id);
  const deps = { prisma };
  const metadata = defaultMetadata({ actor: "test-saga" });
  await changeAggregate(
    deps,
    orderStore,
    order.id,
    (o) => markPaymentPending(o, { paymentId: unique("p") }),
    metadata,
  );
  await changeAggregate(
    deps,
    orderStore,
    order.id,
    (o) => recordPaymentSucceeded(o, { paymentId: "p", amount: o.totals.grandTotal }),
    metadata,
  );
  return { order, ...rest };
}

describe("placeOrder", () => {
  it("prices lines from the price view (tier price for a GOLD customer), never the client", async () => {
    const { order, a } = await createdOrder({ tier: "GOLD" });
    expect(order.status).toBe("CREATED");
    expect(order.version).toBe(1);
    const lineA = order.lines.find((l) => l.variant.id === a)!;
    expect(lineA.unitPrice).toEqual({ amount: 800, currency: "EUR" });
    expect(order.subtotal).toEqual({ amount: 2 * 800 + 250, currency: "EUR" });
    expect(order.grandTotal.amount).toBe(1850);
    expect(order.timeline.map((e) => [e.type, e.version])).toEqual([["OrderPlaced", 1]]);
    expect(order.checkout).toEqual({ status: "NOT_STARTED", steps: [] });
    const outbox = await prisma.outbox.findMany({ where: { aggregateId: order.id } });
    expect(outbox.map((e) => e.eventType)).toEqual(["OrderPlaced"]);
  });

  it("applies a coupon from the fixed table at placement", async () => {
    const customerId = await seedCustomer();
    const v = await seedVariant(2000);
    const order = await place({
      customerId,
      lines: [{ variantId: v, quantity: 1 }],
      couponCode: "welcome10",
    });
    expect(order.coupon).toEqual({ code: "WELCOME10", amount: { amount: 200 } });
    expect(order.grandTotal.amount).toBe(1800);
    const e = await fails("VALIDATION_FAILED", PLACE, {
      input: { customerId, lines: [{ variantId: v, quantity: 1 }], couponCode: "NOPE" },
    });
    expect(fieldsOf(e)).toEqual(["couponCode"]);
  });

  it("rejects an unknown customer on customerId, and unknown variants and bad quantities", async () => {
    const unknownCustomer = await fails("VALIDATION_FAILED", PLACE, {
      input: { customerId: "0190aaaa-0000-7000-8000-000000000000", lines: [] },
    });
    expect(fieldsOf(unknownCustomer)).toEqual(["customerId"]);
    const customerId = await seedCustomer();
    const v = await seedVariant(100);
    const e = await fails("VALIDATION_FAILED", PLACE, {
      input: {
        customerId,
        lines: [
          { variantId: v, quantity: 1000 },
          { variantId: "0190aaaa-0000-7000-8000-000000000001", quantity: 1 },
        ],
      },
    });
    expect(fieldsOf(e)).toEqual(["lines.0.quantity", "lines.1.variantId"]);
  });

  it("rejects a SUSPENDED or CLOSED customer", async () => {
    const v = await seedVariant(100);
    for (const status of ["SUSPENDED", "CLOSED"] as const) {
      const customerId = await seedCustomer({ status });
      const e = await fails("INVALID_STATE_TRANSITION", PLACE, {
        input: { customerId, lines: [{ variantId: v, quantity: 1 }] },
      });
      expect(e.message).toContain(status);
    }
  });

  it("returns the first order for a repeated key; another payload with the key is DUPLICATE", async () => {
    const customerId = await seedCustomer();
    const v = await seedVariant(100);
    const key = unique("key");
    const input = { customerId, lines: [{ variantId: v, quantity: 1 }] };
    const first = await place(input, key);
    const again = await place(input, key);
    expect(again.id).toBe(first.id);
    expect(first.idempotencyKey).toBe(key);
    const e = await fails("DUPLICATE", PLACE, {
      key,
      input: { ...input, lines: [{ variantId: v, quantity: 2 }] },
    });
    expect(fieldsOf(e)).toEqual(["idempotencyKey"]);
  });

  it("ten concurrent identical placements create one order", async () => {
    const customerId = await seedCustomer();
    const v = await seedVariant(100);
    const key = unique("key");
    const input = { customerId, lines: [{ variantId: v, quantity: 3 }] };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => gql<{ placeOrder: OrderView }>(PLACE, { input, key })),
    );
    for (const r of results) expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.placeOrder.id)).size).toBe(1);
    expect(await prisma.order.count({ where: { customerId } })).toBe(1);
    expect(
      await prisma.outbox.count({ where: { aggregateId: results[0]!.data!.placeOrder.id } }),
    ).toBe(1);
  });
});

describe("editing a CREATED order", () => {
  it("adds, changes and removes lines and applies a coupon; totals follow and versions are gap-free", async () => {
    const { order, b } = await createdOrder();
    const c = await seedVariant(500);
    const added = await ok<OrderView>(
      `mutation($id: ID!, $input: ItemInput!) { addOrderItem(orderId: $id, input: $input) { ${ORDER_FIELDS} } }`,
      { id: order.id, input: { variantId: c, quantity: 2 } },
    );
    expect(added.subtotal.amount).toBe(2250 + 1000);
    const twice = await fails(
      "VALIDATION_FAILED",
      `mutation($id: ID!, $input: ItemInput!) { addOrderItem(orderId: $id, input: $input) { id } }`,
      { id: order.id, input: { variantId: c, quantity: 0 } },
    );
    expect(fieldsOf(twice)).toEqual(["variantId", "quantity"]);
    const lineB = added.lines.find((l) => l.variant.id === b)!;
    const changed = await ok<OrderView>(
      `mutation($id: ID!, $line: ID!) { updateOrderItemQuantity(orderId: $id, lineId: $line, quantity: 4) { ${ORDER_FIELDS} } }`,
      { id: order.id, line: lineB.id },
    );
    expect(changed.subtotal.amount).toBe(2000 + 1000 + 1000);
    const removed = await ok<OrderView>(
      `mutation($id: ID!, $line: ID!) { removeOrderItem(orderId: $id, lineId: $line) { ${ORDER_FIELDS} } }`,
      { id: order.id, line: lineB.id },
    );
    expect(removed.lines).toHaveLength(2);
    const couponed = await ok<OrderView>(
      `mutation($id: ID!) { applyOrderCoupon(orderId: $id, code: "FIVEOFF") { ${ORDER_FIELDS} } }`,
      { id: order.id },
    );
    expect(couponed.discount.amount).toBe(500);
    expect(couponed.grandTotal.amount).toBe(3000 - 500);
    expect(couponed.version).toBe(5);
    expect(couponed.timeline.map((e) => [e.type, e.version])).toEqual([
      ["OrderPlaced", 1],
      ["OrderItemAdded", 2],
      ["OrderItemQuantityChanged", 3],
      ["OrderItemRemoved", 4],
      ["OrderCouponApplied", 5],
    ]);
    const second = await fails(
      "VALIDATION_FAILED",
      `mutation($id: ID!) { applyOrderCoupon(orderId: $id, code: "WELCOME10") { id } }`,
      { id: order.id },
    );
    expect(fieldsOf(second)).toEqual(["code"]);
    // Lines change only while CREATED.
    await byId("confirmOrder", order.id);
    await fails(
      "INVALID_STATE_TRANSITION",
      `mutation($id: ID!, $line: ID!) { removeOrderItem(orderId: $id, lineId: $line) { id } }`,
      { id: order.id, line: couponed.lines[0]!.id },
    );
  });

  it("two line additions racing a confirm: each applies fully or fails with CONFLICT/INVALID_STATE_TRANSITION; totals match lines", async () => {
    const round = async () => {
      const { order } = await createdOrder();
      const [x, y] = [await seedVariant(300), await seedVariant(700)];
      const add = (variantId: string) =>
        gql(
          `mutation($id: ID!, $input: ItemInput!) { addOrderItem(orderId: $id, input: $input) { id } }`,
          { id: order.id, input: { variantId, quantity: 1 } },
        );
      const results = await Promise.all([
        add(x),
        add(y),
        gql(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id: order.id }),
      ]);
      const codes = results.map(codeOfResult);
      for (const code of codes)
        expect([null, "CONFLICT", "INVALID_STATE_TRANSITION"]).toContain(code);
      const final = await readOrder(order.id);
      const applied = codes.filter((c) => c === null).length;
      expect(final.version).toBe(1 + applied);
      expect(final.timeline).toHaveLength(final.version);
      expect(final.subtotal.amount).toBe(final.lines.reduce((s, l) => s + l.lineTotal.amount, 0));
      const row = await prisma.order.findUniqueOrThrow({ where: { id: order.id } });
      expect(row.subtotalAmount).toBe(final.subtotal.amount);
      return codes;
    };
    // The race exists for the version guard: some round must see a command lose on it.
    await raceUntil(round, (rounds) => [
      ...(rounds.flat().includes("CONFLICT") ? [] : ["a CONFLICT"]),
      ...(rounds.flat().includes(null) ? [] : ["a success"]),
    ]);
  });
});

describe("order lifecycle", () => {
  it("PAID → processing → partial and full shipment → delivered → completed", async () => {
    const { order } = await paidOrder();
    const processing = await byId("markOrderProcessing", order.id);
    expect(processing.status).toBe("PROCESSING");
    const [first, second] = processing.lines;
    const SHIP = `mutation($id: ID!, $input: RecordShipmentInput) { recordOrderShipment(orderId: $id, input: $input) { ${ORDER_FIELDS} } }`;
    const partial = await ok<OrderView>(SHIP, {
      id: order.id,
      input: { lines: [{ lineId: first!.id, quantity: 1 }] },
    });
    expect(partial.status).toBe("PARTIALLY_SHIPPED");
    const shipped = await ok<OrderView>(SHIP, { id: order.id });
    expect(shipped.status).toBe("SHIPPED");
    expect(shipped.shipments.at(-1)!.lines).toEqual(
      expect.arrayContaining([
        { lineId: first!.id, quantity: 1 },
        { lineId: second!.id, quantity: 1 },
      ]),
    );
    expect((await byId("recordOrderDelivery", order.id)).status).toBe("DELIVERED");
    const completed = await byId("completeOrder", order.id);
    expect(completed.status).toBe("COMPLETED");
    expect(completed.checkout.status).toBe("COMPLETED");
    expect(completed.checkout.steps.map((s) => s.name)).toEqual([
      "ORDER_CONFIRMED",
      "PAYMENT_INITIATED",
      "PAYMENT_CAPTURED",
    ]);
    await fails("INVALID_STATE_TRANSITION", `mutation($id: ID!) { cancelOrder(id: $id) { id } }`, {
      id: order.id,
    });
  });

  it("returns: requested → approved → returned", async () => {
    const { order } = await paidOrder();
    await ok(`mutation($id: ID!) { recordOrderShipment(orderId: $id) { id } }`, { id: order.id });
    await byId("recordOrderDelivery", order.id);
    await fails(
      "INVALID_STATE_TRANSITION",
      `mutation($id: ID!) { approveOrderReturn(id: $id) { id } }`,
      {
        id: order.id,
      },
    );
    const requested = await ok<OrderView>(
      `mutation($id: ID!) { requestOrderReturn(id: $id, reason: "too small") { ${ORDER_FIELDS} } }`,
      { id: order.id },
    );
    expect(requested.status).toBe("RETURN_REQUESTED");
    expect(requested.timeline.at(-1)!.payload.reason).toBe("too small");
    expect((await byId("approveOrderReturn", order.id)).status).toBe("RETURN_APPROVED");
    const returned = await byId("recordOrderReturn", order.id);
    expect(returned.status).toBe("RETURNED");
    expect(returned.timeline.at(-1)!.payload.refundRequired).toBe(true);
  });

  it("cancels (a repeat changes nothing) and rejects moves outside the table", async () => {
    const { order } = await createdOrder();
    for (const move of [
      "markOrderProcessing",
      "recordOrderDelivery",
      "completeOrder",
      "recordOrderReturn",
    ]) {
      await fails("INVALID_STATE_TRANSITION", `mutation($id: ID!) { ${move}(id: $id) { id } }`, {
        id: order.id,
      });
    }
    const cancelled = await ok<OrderView>(
      `mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { ${ORDER_FIELDS} } }`,
      { id: order.id },
    );
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.checkout.status).toBe("CANCELLED");
    const again = await byId("cancelOrder", order.id);
    expect(again.version).toBe(cancelled.version);
    await fails(
      "NOT_FOUND",
      `mutation { confirmOrder(id: "0190aaaa-0000-7000-8000-00000000000f") { id } }`,
    );
    const bad = await fails("VALIDATION_FAILED", `mutation { confirmOrder(id: "nope") { id } }`);
    expect(fieldsOf(bad)).toEqual(["id"]);
  });
});

describe("order queries", () => {
  it("orders(filter, first, after) pages newest first; Customer.orders via _entities", async () => {
    const customerId = await seedCustomer();
    const v = await seedVariant(100);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await place({ customerId, lines: [{ variantId: v, quantity: i + 1 }] })).id);
    }
    await byId("confirmOrder", ids[0]!);
    const Q = `query($f: OrderFilter, $first: Int, $after: String) { orders(filter: $f, first: $first, after: $after) {
      totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;
    type Conn = {
      totalCount: number;
      edges: { cursor: string; node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string };
    };
    const page1 = await ok<Conn>(Q, { f: { customerId }, first: 2 });
    expect(page1.totalCount).toBe(3);
    expect(page1.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await ok<Conn>(Q, {
      f: { customerId },
      first: 2,
      after: page1.pageInfo.endCursor,
    });
    expect(page2.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const confirmed = await ok<Conn>(Q, { f: { customerId, status: "CONFIRMED" } });
    expect(confirmed.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(fieldsOf(await fails("VALIDATION_FAILED", Q, { first: 101 }))).toEqual(["first"]);
    expect(fieldsOf(await fails("VALIDATION_FAILED", Q, { after: "garbage!" }))).toEqual(["after"]);

    const entities = await ok<{ orders: Conn }[]>(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Customer { orders(first: 5) { totalCount edges { node { id } } } } } }`,
      { reps: [{ __typename: "Customer", id: customerId }] },
    );
    expect(entities[0]!.orders.totalCount).toBe(3);
    expect(entities[0]!.orders.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1], ids[0]]);

    // Several customers in one request (a customer list through the gateway): batched pages,
    // status filter, an empty customer, and a page after a cursor.
    const other = await seedCustomer();
    const otherOrder = (await place({ customerId: other, lines: [{ variantId: v, quantity: 1 }] }))
      .id;
    const nobody = await seedCustomer();
    const batch = await ok<{ orders: Conn; confirmed: Conn; next: Conn }[]>(
      `query($reps: [_Any!]!, $after: String) { _entities(representations: $reps) { ... on Customer {
        orders(first: 2) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
        confirmed: orders(status: CONFIRMED) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
        next: orders(first: 2, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } }
      } } }`,
      {
        reps: [customerId, other, nobody].map((id) => ({ __typename: "Customer", id })),
        after: page1.pageInfo.endCursor,
      },
    );
    expect(batch[0]!.orders.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(batch[0]!.orders.pageInfo.hasNextPage).toBe(true);
    expect(batch[0]!.confirmed.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(batch[0]!.confirmed.totalCount).toBe(1);
    expect(batch[0]!.next.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(batch[1]!.orders).toMatchObject({
      totalCount: 1,
      edges: [{ node: { id: otherOrder } }],
    });
    expect(batch[1]!.orders.pageInfo.hasNextPage).toBe(false);
    expect(batch[2]!.orders).toMatchObject({ totalCount: 0, edges: [] });
  });
});
