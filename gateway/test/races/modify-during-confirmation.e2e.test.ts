import { unique } from "@shopstream/testing";
import { e2eShop, errorCode, type GraphQLResult } from "@shopstream/testing/e2e-shop";
import { describe, expect, inject, it } from "vitest";
import { MAX_ROUNDS, offset, raceUntilSeen, type Tally } from "./race-rounds.ts";

// Modify during confirmation, from docs/architecture.md, "Race scenarios": two line additions race a
// confirmation — every call either applies fully or is refused with CONFLICT or
// INVALID_STATE_TRANSITION, and the totals match the lines.
//
// Each race places an order (one line), then sends addOrderItem (variant B), addOrderItem
// (variant C) and confirmOrder at once. Whatever won, the order's lines are exactly the base line
// plus the additions that answered successfully, its totals are those lines' sums, its timeline
// tells the same story, and the checkout saga reserved exactly the confirmed lines. A round runs
// ten such races; rounds are run until an addition has applied, a confirmation has applied and a
// call has been refused, each at least once.

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
const fulfilment = shop.as("fulfilment");

/**
 * Per race, how many ms each call waits before it is sent (add B, add C, confirm): most races
 * send all three at once; a few lean one way so that every winner shows up — an addition that
 * lands first, and one that arrives after the confirmation. Whoever wins, the checks are the same.
 */
const OFFSETS: [number, number, number][] = [
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 5],
  [0, 0, 20],
  [0, 30, 60],
  [10, 0, 0],
  [30, 30, 0],
  [60, 0, 0],
];
const RACES = OFFSETS.length;
const PRICES = { a: 1_000, b: 250, c: 99 };
const QUANTITY = { a: 1, b: 2, c: 3 };

interface Line {
  id: string;
  quantity: number;
  unitPrice: { amount: number };
  discount: { amount: number };
  variant: { id: string };
}
interface OrderRead {
  id: string;
  status: string;
  lines: Line[];
  subtotal: { amount: number };
  shipping: { amount: number };
  tax: { amount: number };
  discount: { amount: number };
  grandTotal: { amount: number };
  timeline: { type: string; payload: Record<string, unknown> }[];
  reservations: { quantity: number; status: string; stockItem: { variant: { id: string } } }[];
  payments: { amount: { amount: number }; status: string }[];
}
const ORDER = `id status
  lines { id quantity unitPrice { amount } discount { amount } variant { id } }
  subtotal { amount } shipping { amount } tax { amount } discount { amount } grandTotal { amount }
  timeline { type payload }
  reservations { quantity status stockItem { variant { id } } }
  payments { amount { amount } status }`;

type Call = GraphQLResult<Record<string, { status: string; lines: { variant: { id: string } }[] }>>;
const ALLOWED_FAILURES = ["CONFLICT", "INVALID_STATE_TRANSITION"];

/** A line as the events record it, to compare with the order's lines. */
const asEventLine = (l: Line) => ({
  id: l.id,
  variantId: l.variant.id,
  quantity: l.quantity,
  unitPrice: l.unitPrice.amount,
  discount: l.discount.amount,
});

/** One round: RACES orders of a customer and variants of its own, each raced once; its tally. */
async function raceRound(): Promise<Tally> {
  const tag = unique("MODCONF").toUpperCase();
  const customerId = await shop.registerCustomer(tag);
  const customer = shop.asCustomer(customerId);
  const [a, b, c] = await Promise.all(
    (["a", "b", "c"] as const).map((k) => shop.activeVariant(`${tag}-${k}`, PRICES[k])),
  );
  const variants = { a: a!, b: b!, c: c! };
  const warehouseId = await shop.createWarehouse();
  await Promise.all(Object.values(variants).map((v) => shop.stock(v, RACES * 3, warehouseId)));
  // Ordering must also know B and C before the race, or an addition would fail for that.
  const probe = await shop.placeOrder(customerId, [
    { variantId: variants.a, quantity: 1 },
    { variantId: variants.b, quantity: 1 },
    { variantId: variants.c, quantity: 1 },
  ]);
  await customer.ok(`mutation($id: ID!) { cancelOrder(id: $id) { id } }`, { id: probe.id });

  const orders = await Promise.all(
    Array.from({ length: RACES }, () =>
      shop.placeOrder(customerId, [{ variantId: variants.a, quantity: QUANTITY.a }]),
    ),
  );
  const ids = orders.map((o) => o.id);
  await Promise.all(ids.map((id) => shop.scriptPayment({ orderId: id }, [{ outcome: "succeed" }])));

  const ADD = `mutation($id: ID!, $v: ID!, $q: Int!) {
      addOrderItem(orderId: $id, input: { variantId: $v, quantity: $q }) { status lines { variant { id } } }
    }`;
  const tally: Tally = {};
  const count = (what: string) => {
    tally[what] = (tally[what] ?? 0) + 1;
  };
  const races: { id: string; added: string[]; confirmed: boolean }[] = [];
  for (const [race, id] of ids.entries()) {
    // One race: three calls on one order at once (give or take the race's offsets).
    const [b, c, confirmAfter] = OFFSETS[race]!;
    const [addB, addC, confirm] = (await Promise.all([
      // The customer edits their order while fulfilment confirms it.
      offset(b).then(() => customer.send(ADD, { id, v: variants.b, q: QUANTITY.b })),
      offset(c).then(() => customer.send(ADD, { id, v: variants.c, q: QUANTITY.c })),
      offset(confirmAfter).then(() =>
        fulfilment.send(
          `mutation($id: ID!) { confirmOrder(id: $id) { status lines { variant { id } } } }`,
          { id },
        ),
      ),
    ])) as Call[];
    const added: string[] = [];
    for (const [call, variant] of [
      [addB, variants.b],
      [addC, variants.c],
    ] as const) {
      if (call!.errors) {
        expect(ALLOWED_FAILURES, JSON.stringify(call!.errors)).toContain(errorCode(call!));
        count(`add refused ${errorCode(call!)}`);
        count("refused");
        continue;
      }
      // Applied fully: the answer (the order read after the commit) holds the new line.
      expect(call!.data!.addOrderItem!.lines.map((l) => l.variant.id)).toContain(variant);
      added.push(variant);
      count("add applied");
    }
    if (confirm!.errors) {
      expect(ALLOWED_FAILURES, JSON.stringify(confirm!.errors)).toContain(errorCode(confirm!));
      count(`confirm refused ${errorCode(confirm!)}`);
      count("refused");
    } else count("confirm applied");
    races.push({ id, added, confirmed: !confirm!.errors });
  }

  // A confirmation that lost the race is repeated, so that every order goes through the saga.
  for (const r of races.filter((r) => !r.confirmed)) {
    await fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id: r.id });
  }
  const ends = await shop.ordersUntil<OrderRead>(
    ids,
    ORDER,
    (o) => o.status === "PAID" && o.reservations.every((r) => r.status === "CONFIRMED"),
    { timeoutMs: 30_000 },
  );

  for (const [i, o] of ends.entries()) {
    const race = races[i]!;
    // The lines are the base line plus exactly the additions that answered success.
    expect(o.lines.map((l) => l.variant.id).sort()).toEqual([variants.a, ...race.added].sort());
    const quantityOf = {
      [variants.a]: QUANTITY.a,
      [variants.b]: QUANTITY.b,
      [variants.c]: QUANTITY.c,
    };
    const priceOf = { [variants.a]: PRICES.a, [variants.b]: PRICES.b, [variants.c]: PRICES.c };
    for (const l of o.lines) {
      expect(l.quantity).toBe(quantityOf[l.variant.id]);
      expect(l.unitPrice.amount).toBe(priceOf[l.variant.id]);
    }
    // Totals match the lines.
    const subtotal = o.lines.reduce(
      (sum, l) => sum + l.unitPrice.amount * l.quantity - l.discount.amount,
      0,
    );
    expect(o.subtotal.amount).toBe(subtotal);
    expect(o.grandTotal.amount).toBe(
      o.subtotal.amount + o.shipping.amount + o.tax.amount - o.discount.amount,
    );
    // The timeline agrees: placement + one OrderItemAdded per applied addition, then one
    // confirmation carrying exactly these lines, then the saga.
    const types = o.timeline.map((e) => e.type);
    expect(types).toEqual([
      "OrderPlaced",
      ...race.added.map(() => "OrderItemAdded"),
      "OrderConfirmed",
      "OrderPaymentPending",
      "OrderPaid",
    ]);
    const fromTimeline = [
      ...(o.timeline[0]!.payload.lines as unknown[]),
      ...o.timeline.filter((e) => e.type === "OrderItemAdded").map((e) => e.payload.line),
    ];
    expect(fromTimeline).toEqual(o.lines.map(asEventLine));
    const confirmed = o.timeline.find((e) => e.type === "OrderConfirmed")!.payload;
    expect(confirmed.lines).toEqual(
      o.lines.map((l) => ({ lineId: l.id, variantId: l.variant.id, quantity: l.quantity })),
    );
    expect((confirmed.totals as { grandTotal: number }).grandTotal).toBe(o.grandTotal.amount);
    // The saga reserved exactly the confirmed lines and charged the grand total.
    expect(
      o.reservations.map((r) => [r.stockItem.variant.id, r.quantity, r.status]).sort(),
    ).toEqual(o.lines.map((l) => [l.variant.id, l.quantity, "CONFIRMED"]).sort());
    expect(o.payments).toEqual([{ amount: o.grandTotal, status: "SUCCEEDED" }]);
  }
  return tally;
}

describe("race: modify during confirmation", () => {
  it(
    `two addOrderItem calls racing confirmOrder, ${RACES} times a round: each applies fully or fails cleanly, totals and reservations match the lines`,
    async () => {
      await raceUntilSeen(
        "modify during confirmation",
        ["add applied", "confirm applied", "refused"],
        raceRound,
      );
    },
    MAX_ROUNDS * 40_000,
  );
});
