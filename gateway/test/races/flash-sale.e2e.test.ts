import { newId } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import { e2eShop, errorCode } from "@shopstream/testing/e2e-shop";
import { afterAll, describe, expect, inject, it } from "vitest";
import { inBatches } from "../in-batches.ts";
import { MAX_ROUNDS, raceUntilSeen, type Tally } from "./race-rounds.ts";
import { closeStackAccess, outboxEvents } from "./stack-access.ts";

// The flash sale of docs/architecture.md, "Race scenarios": 50 buyers want 1–3 units each of one
// stock item holding 10 — exactly as many units are reserved as exist, available never goes
// below 0, and every buyer left out is refused for insufficient stock.
//
// Why exactly 10 must sell, not merely "at most 10": during the sale nothing gives stock back
// (winners are paid, losers reserve nothing, reservations live 15 minutes), so available only
// ever falls. A buyer is refused only if, when its turn came, available was below what it
// wanted. If anything were left at the end (available ≥ 1), it was ≥ 1 all along, so every
// one-unit buyer was served; with at least 11 of them that is 11 units out of 10 — impossible.
// So available ends at 0: exactly 10 units sold, whatever order the workers took the buyers in.

afterAll(closeStackAccess);

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
const inventoryManager = shop.as("inventory_manager");

interface Shortage {
  variantId: string;
  requested: number;
  available: number;
}

const BUYERS = 50;
const STOCK = 10;
/** 12 buyers want exactly 1 unit (≥ 11, see above); the others 1, 2 or 3. */
const wanted = Array.from({ length: BUYERS }, (_, i) => (i < 12 ? 1 : 1 + (i % 3)));

interface StockRead {
  stockItem: { onHand: number; reserved: number; available: number };
  productVariant: { availability: { onHand: number; reserved: number; available: number } };
}

/** The stock item's levels and the variant's availability, in one read. */
const readStock = (stockItemId: string, variantId: string) =>
  inventoryManager.ok<StockRead>(
    `query($s: ID!, $v: ID!) {
      stockItem(id: $s) { onHand reserved available }
      productVariant(id: $v) { availability { onHand reserved available } }
    }`,
    { s: stockItemId, v: variantId },
  );

/**
 * Reads the stock item and the variant's availability over and over until stopped, keeping the
 * lowest `onHand − reserved` computed from the raw counts (the API's `available` is clamped at
 * 0, so only the raw counts could show an oversell) and the lowest `available` as served.
 */
function watchStock(stockItemId: string, variantId: string) {
  let running = true;
  const seen = { samples: 0, lowestRaw: Infinity, lowestServed: Infinity };
  const done = (async () => {
    while (running) {
      const read = await readStock(stockItemId, variantId);
      for (const level of [read.stockItem, read.productVariant.availability]) {
        seen.lowestRaw = Math.min(seen.lowestRaw, level.onHand - level.reserved);
        seen.lowestServed = Math.min(seen.lowestServed, level.available);
      }
      seen.samples++;
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    seen,
    async stop() {
      running = false;
      await done;
      return seen;
    },
  };
}

interface SettledOrder {
  id: string;
  status: string;
  lines: { quantity: number }[];
  grandTotal: { amount: number };
  timeline: { type: string; payload: { reason?: string } }[];
  checkout: { status: string; steps: { name: string; detail: string | null }[] };
  reservations: { quantity: number; status: string; stockItem: { id: string } }[];
  payments: { status: string; captured: { amount: number } }[];
}

const SETTLED = `id status lines { quantity } grandTotal { amount }
  timeline { type payload } checkout { status steps { name detail } }
  reservations { quantity status stockItem { id } }
  payments { status captured { amount } }`;

/**
 * One flash sale through the checkout saga, on a stock item of its own: every buyer confirms at
 * once. Checks that it ended consistently; its tally counts the winners and the losers.
 */
async function checkoutSale(): Promise<Tally> {
  const started = Date.now();
  const tag = unique("FLASH").toUpperCase();
  const variantId = await shop.activeVariant(tag, 1_999);
  const { stockItemId } = await shop.stock(variantId, STOCK);
  // The buyers and their orders, ten at a time: the set-up is not the race.
  const customers = await inBatches(wanted, 10, (_, i) => shop.registerCustomer(`${tag}-b${i}`));
  const orders = await inBatches(customers, 10, (customerId, i) =>
    shop.placeOrder(customerId, [{ variantId, quantity: wanted[i]! }]),
  );
  const ids = orders.map((o) => o.id);
  await inBatches(ids, 10, (id) => shop.scriptPayment({ orderId: id }, [{ outcome: "succeed" }]));
  const prepared = Date.now();

  // The race: every buyer confirms at once; the checkout saga's reservations then compete in
  // the workers (inventory's consumer runs many at once) for the one stock row.
  const watcher = watchStock(stockItemId, variantId);
  let settled: SettledOrder[];
  try {
    const confirmations = await Promise.all(
      ids.map((id) =>
        shop
          .as("fulfilment")
          .send<{ confirmOrder: { status: string } }>(
            `mutation($id: ID!) { confirmOrder(id: $id) { status } }`,
            { id },
          ),
      ),
    );
    for (const c of confirmations) {
      expect(c.errors, JSON.stringify(c.errors)).toBeUndefined();
      // The answer is the order read after the commit: the saga may already have moved it on.
      expect(["CONFIRMED", "PAYMENT_PENDING", "PAID", "CANCELLED"]).toContain(
        c.data?.confirmOrder.status,
      );
    }
    settled = await shop.ordersUntil<SettledOrder>(
      ids,
      SETTLED,
      (o) =>
        (o.status === "PAID" && o.reservations.every((r) => r.status === "CONFIRMED")) ||
        o.status === "CANCELLED",
      { timeoutMs: 45_000 },
    );
  } finally {
    await watcher.stop();
  }
  const { seen } = watcher;

  const winners = settled.filter((o) => o.status === "PAID");
  const losers = settled.filter((o) => o.status !== "PAID");
  const units = (os: SettledOrder[]) =>
    os.reduce((sum, o) => sum + o.lines.reduce((s, l) => s + l.quantity, 0), 0);
  console.log(
    `flash sale: ${units(winners)} units sold to ${winners.length} winners, ${losers.length} losers` +
      ` (${units(losers)} units refused); lowest onHand−reserved seen ${seen.lowestRaw},` +
      ` lowest available served ${seen.lowestServed}, over ${seen.samples} stock reads;` +
      ` setup ${prepared - started} ms, race until settled ${Date.now() - prepared} ms`,
  );

  expect(units(winners)).toBe(STOCK);
  for (const o of winners) {
    // Every unit sold is held by a confirmed reservation on the one stock item, and paid for.
    expect(o.reservations).toEqual([
      { quantity: o.lines[0]!.quantity, status: "CONFIRMED", stockItem: { id: stockItemId } },
    ]);
    expect(o.payments).toEqual([{ status: "SUCCEEDED", captured: o.grandTotal }]);
    expect(o.checkout.status).toBe("COMPLETED");
  }
  expect(
    winners.reduce((sum, o) => sum + o.reservations.reduce((s, r) => s + r.quantity, 0), 0),
  ).toBe(STOCK);
  let refusedWithNothingLeft = 0;
  for (const o of losers) {
    // The shortage is visible: the saga failed for insufficient stock, nothing was held or charged.
    expect(o.status).toBe("CANCELLED");
    expect(o.timeline.map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderConfirmed",
      "OrderCancelled",
    ]);
    expect(o.timeline[2]!.payload.reason).toBe("insufficient stock");
    expect(o.checkout).toEqual({
      status: "FAILED",
      steps: [
        { name: "ORDER_CONFIRMED", detail: null },
        { name: "ORDER_CANCELLED", detail: "insufficient stock" },
      ],
    });
    expect(o.reservations).toEqual([]);
    expect(o.payments).toEqual([]);
    // Inventory's verdict on the order: a shortage of this variant, less available than wanted.
    const [verdict, ...more] = await outboxEvents("inventory", o.id);
    expect(more).toEqual([]);
    expect(verdict!.type).toBe("OrderStockShortage");
    const [shortage] = verdict!.payload.shortages as Shortage[];
    expect(shortage!.variantId).toBe(variantId);
    expect(shortage!.requested).toBe(o.lines[0]!.quantity);
    expect(shortage!.available).toBeLessThan(shortage!.requested);
    if (shortage!.available === 0) refusedWithNothingLeft++;
  }
  expect(seen.lowestRaw).toBeGreaterThanOrEqual(0);
  expect(seen.lowestServed).toBe(0);
  const end = await readStock(stockItemId, variantId);
  expect(end.stockItem).toEqual({ onHand: STOCK, reserved: STOCK, available: 0 });
  expect(end.productVariant.availability).toEqual({
    onHand: STOCK,
    reserved: STOCK,
    available: 0,
  });
  return {
    winners: winners.length,
    losers: losers.length,
    // A loser refused while some units were left: it wanted more than remained.
    "refused with units left": losers.length - refusedWithNothingLeft,
  };
}

/** One flash sale of reserveStock mutations on a stock item of its own; its winners and losers. */
async function reservationSale(): Promise<Tally> {
  const { stockItemId } = await shop.stock(newId(), STOCK);
  const results = await Promise.all(
    wanted.map((quantity) =>
      // Reservation commands are admin's alone (the order flow reserves through events).
      shop
        .as("admin")
        .send<{ reserveStock: { quantity: number; status: string } }>(
          `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { quantity status } }`,
          { input: { stockItemId, quantity } },
        ),
    ),
  );
  const won = results.filter((r) => !r.errors);
  const lost = results.filter((r) => r.errors);
  const reserved = won.reduce((sum, r) => sum + r.data!.reserveStock.quantity, 0);
  console.log(
    `reserveStock race: ${reserved} units reserved by ${won.length} winners, ${lost.length} losers`,
  );
  expect(reserved).toBe(STOCK);
  for (const r of won) expect(r.data!.reserveStock.status).toBe("ACTIVE");
  expect(lost.map(errorCode)).toEqual(lost.map(() => "INSUFFICIENT_STOCK"));
  const { stockItem } = await inventoryManager.ok<StockRead>(
    `query($s: ID!) { stockItem(id: $s) { onHand reserved available } }`,
    { s: stockItemId },
  );
  expect(stockItem).toEqual({ onHand: STOCK, reserved: STOCK, available: 0 });
  return { winners: won.length, losers: lost.length };
}

// Each sale must have had both winners and losers: the units ran out while buyers still came.
describe("race: flash sale", () => {
  it(
    `${BUYERS} buyers confirm at once for ${STOCK} units: exactly ${STOCK} sell, the rest are cancelled for insufficient stock`,
    async () => {
      await raceUntilSeen("flash sale through checkout", ["winners", "losers"], checkoutSale);
    },
    MAX_ROUNDS * 60_000,
  );

  it(
    `${BUYERS} concurrent reserveStock mutations on ${STOCK} units: the successful quantities sum to ${STOCK}, losers get INSUFFICIENT_STOCK`,
    async () => {
      await raceUntilSeen("flash sale of reserveStock", ["winners", "losers"], reservationSale);
    },
    MAX_ROUNDS * 10_000,
  );
});
