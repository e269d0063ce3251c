import { unique } from "@shopstream/testing";
import { e2eShop, errorCode, type GraphQLResult, pollUntil } from "@shopstream/testing/e2e-shop";
import { afterAll, describe, expect, inject, it } from "vitest";
import { MAX_ROUNDS, offset, raceUntilSeen, type Tally } from "./race-rounds.ts";
import { closeStackAccess, outboxEvents, outboxEventsWith } from "./stack-access.ts";

// Cancel during payment, from docs/architecture.md, "Race scenarios": the cancel and the provider's
// success webhook arrive together, and the order ends one consistent way — PAID, or CANCELLED
// with the payment refunded — with its stock released exactly once.
//
// The provider holds each order's success report (a `hold` outcome) until the test releases it.
// Two meeting points are raced, twelve orders at once:
// - at payments (five orders): the cancel is sent with the release (give or take a few ms), so
//   the webhook and payments' reaction to OrderCancelled meet — the success sees the
//   cancellation and refunds at once, or the reaction finds the capture and refunds it;
// - at ordering (seven orders): the cancel is sent when payments has taken the webhook (its
//   success event is committed and on its way to ordering), so cancelOrder meets the saga's move
//   to PAID — the cancel wins, or the order is PAID first and the cancel then refunds it, or the
//   cancel loses the version check (CONFLICT) and the order stays PAID.
// The offsets only vary who wins; whoever wins, the same invariant must hold. The test exists for
// two ends, so it races again (a new set of orders) until it has seen each at least once: a
// cancel that came before the success (CANCELLED, the capture refunded) and one that came after
// the order was PAID (PAID then CANCELLED, refunded).

afterAll(closeStackAccess);

const shop = e2eShop(inject("gatewayUrl"), inject("serviceUrls"));
const fulfilment = shop.as("fulfilment");
const inventoryManager = shop.as("inventory_manager");

/** When each order's cancel is sent: ms after the release (negative: before), or after payments took the webhook. */
const PLAN: { after: "release" | "webhook"; ms: number }[] = [
  { after: "release", ms: -20 },
  { after: "release", ms: 0 },
  { after: "release", ms: 0 },
  { after: "release", ms: 10 },
  { after: "release", ms: 30 },
  { after: "webhook", ms: 0 },
  { after: "webhook", ms: 25 },
  { after: "webhook", ms: 75 },
  { after: "webhook", ms: 200 },
  { after: "webhook", ms: 500 },
  // The saga may take this long to move an order to PAID on a busy machine: without these, a
  // cancel after PAID (refunded) can be rare enough to miss in every round.
  { after: "webhook", ms: 1_000 },
  { after: "webhook", ms: 2_000 },
];
const UNITS = 2;

interface OrderEnd {
  id: string;
  status: string;
  grandTotal: { amount: number };
  timeline: { type: string; payload: { refundRequired?: boolean } }[];
  reservations: { id: string; quantity: number; status: string; releaseReason: string | null }[];
  payments: {
    id: string;
    status: string;
    captured: { amount: number };
    refunds: { status: string; amount: { amount: number }; reason: string | null }[];
  }[];
}

const END = `id status grandTotal { amount } timeline { type payload }
  reservations { id quantity status releaseReason }
  payments { id status captured { amount } refunds { status amount { amount } reason } }`;

/** One round: every order of PLAN raced at once, on a stock item of their own; its tally. */
async function raceRound(): Promise<Tally> {
  const tag = unique("CANCELPAY").toUpperCase();
  const n = PLAN.length;
  const variantId = await shop.activeVariant(tag, 1_250);
  const { stockItemId } = await shop.stock(variantId, n * UNITS);
  const customerId = await shop.registerCustomer(tag);
  const orders = await Promise.all(
    PLAN.map(() => shop.placeOrder(customerId, [{ variantId, quantity: UNITS }])),
  );
  const ids = orders.map((o) => o.id);
  await Promise.all(
    ids.map((id) => shop.scriptPayment({ orderId: id }, [{ outcome: "succeed", hold: true }])),
  );
  await Promise.all(
    ids.map((id) => fulfilment.ok(`mutation($id: ID!) { confirmOrder(id: $id) { id } }`, { id })),
  );
  // Every order awaits its payment, its stock held, and the provider has decided the charge.
  await shop.ordersUntil<{ status: string }>(ids, "status", (o) => o.status === "PAYMENT_PENDING");
  await Promise.all(
    ids.map((id) =>
      pollUntil(
        `the held report of ${id}`,
        () => shop.heldReports({ orderId: id }),
        (held) => held.length > 0,
      ),
    ),
  );
  const stockBefore = await inventoryManager.ok<{
    stockItem: { reserved: number; available: number };
  }>(`query($id: ID!) { stockItem(id: $id) { reserved available } }`, { id: stockItemId });
  expect(stockBefore.stockItem).toEqual({ reserved: n * UNITS, available: 0 });

  // The race, for all orders at once.
  const raced = await Promise.all(
    ids.map(async (id, i) => {
      const { after, ms } = PLAN[i]!;
      const release = offset(after === "release" ? -ms : 0).then(() =>
        shop.releaseReports({ orderId: id }),
      );
      const cancel = (after === "release" ? offset(ms) : release.then(() => offset(ms))).then(() =>
        // The customer changes their mind.
        shop
          .asCustomer(customerId)
          .send<{ cancelOrder: { status: string } }>(
            `mutation($id: ID!) { cancelOrder(id: $id, reason: "changed my mind") { status } }`,
            { id },
          ),
      );
      return { id, webhookStatuses: await release, cancel: await cancel };
    }),
  );
  for (const r of raced) {
    // The webhook was taken (200) and the cancel either applied or lost to the payment's own
    // change of the order (CONFLICT) — nothing else.
    expect(r.webhookStatuses).toEqual([200]);
    if (r.cancel.errors) expect(errorCode(r.cancel)).toBe("CONFLICT");
  }
  const cancelled = (r: { cancel: GraphQLResult<unknown> }) => !r.cancel.errors;

  // Wait for the end each outcome leads to: the refund completed and the stock released, or the
  // payment confirmed the reservation.
  const ends = await shop.ordersUntil<OrderEnd>(
    ids,
    END,
    (o) => {
      const wasCancelled = cancelled(raced.find((r) => r.id === o.id)!);
      return wasCancelled
        ? ["CANCELLED", "REFUNDED"].includes(o.status) &&
            o.payments[0]?.status === "REFUNDED" &&
            o.reservations[0]?.status === "RELEASED"
        : o.status === "PAID" && o.reservations[0]?.status === "CONFIRMED";
    },
    { timeoutMs: 30_000 },
  );

  const outcomes = { paid: 0, cancelledBeforePaid: 0, paidThenCancelled: 0 };
  /** Who refunded a cancelled order's capture: the webhook (cancellation seen) or the reaction. */
  const refundedBy = { webhook: 0, reaction: 0 };
  for (const o of ends) {
    const types = o.timeline.map((e) => e.type);
    const [payment] = o.payments;
    const [reservation] = o.reservations;
    expect(o.payments).toHaveLength(1);
    expect(o.reservations).toHaveLength(1);
    expect(reservation!.quantity).toBe(UNITS);
    expect(payment!.captured.amount).toBe(o.grandTotal.amount);
    const paymentEvents = (await outboxEvents("payments", payment!.id)).map((e) => e.type);
    const reservationEvents = (await outboxEvents("inventory", reservation!.id)).map((e) => e.type);
    const stockReleases = (await outboxEventsWith("inventory", "reservationId", reservation!.id))
      .filter((e) => e.type === "ReservedStockReleased")
      .map((e) => e.aggregateId);
    const orderStockEvents = (await outboxEvents("inventory", o.id)).map((e) => e.type);
    expect(types.filter((t) => t === "OrderPaid").length).toBeLessThanOrEqual(1);
    expect(paymentEvents.filter((t) => t === "PaymentSucceeded")).toHaveLength(1);

    if (o.status === "PAID") {
      // The payment won outright: no cancellation, no refund, the reservation confirmed.
      outcomes.paid++;
      expect(types.slice(-2)).toEqual(["OrderPaymentPending", "OrderPaid"]);
      expect(payment).toMatchObject({ status: "SUCCEEDED", refunds: [] });
      expect(paymentEvents).not.toContain("RefundRequested");
      expect(reservationEvents).toEqual(["ReservationCreated", "ReservationConfirmed"]);
      expect(stockReleases).toEqual([]);
      continue;
    }
    // Cancelled: the whole capture refunded once, the reservation released once.
    expect(types.filter((t) => t === "OrderCancelled")).toHaveLength(1);
    if (types.includes("OrderPaid")) {
      outcomes.paidThenCancelled++;
      expect(types.indexOf("OrderPaid")).toBeLessThan(types.indexOf("OrderCancelled"));
      expect(o.timeline.find((e) => e.type === "OrderCancelled")!.payload.refundRequired).toBe(
        true,
      );
      expect(reservationEvents).toEqual([
        "ReservationCreated",
        "ReservationConfirmed",
        "ReservationReleased",
      ]);
    } else {
      outcomes.cancelledBeforePaid++;
      expect(reservationEvents).toEqual(["ReservationCreated", "ReservationReleased"]);
    }
    expect(payment).toMatchObject({
      status: "REFUNDED",
      refunds: [{ status: "COMPLETED", amount: { amount: o.grandTotal.amount } }],
    });
    expect(paymentEvents.filter((t) => t === "RefundRequested")).toHaveLength(1);
    if (payment!.refunds[0]!.reason === "order cancelled before the payment succeeded")
      refundedBy.webhook++;
    else refundedBy.reaction++;
    expect(paymentEvents.filter((t) => t === "RefundCompleted")).toHaveLength(1);
    expect(reservation!.releaseReason).toBe("CANCELLED");
    expect(stockReleases).toEqual([stockItemId]);
    expect(orderStockEvents.filter((t) => t === "OrderStockReleased")).toHaveLength(1);
  }
  console.log(
    `cancel during payment (${n} orders): ${outcomes.paid} PAID (cancel lost with CONFLICT), ` +
      `${outcomes.cancelledBeforePaid} CANCELLED before the success arrived + refunded, ` +
      `${outcomes.paidThenCancelled} PAID then CANCELLED + refunded; refunds requested by ` +
      `the webhook ${refundedBy.webhook}, by the reaction to OrderCancelled ${refundedBy.reaction}`,
  );

  // Stock: exactly the paid orders' units are still held; everything else came back once.
  const { stockItem } = await inventoryManager.ok<{
    stockItem: { onHand: number; reserved: number; available: number };
  }>(`query($id: ID!) { stockItem(id: $id) { onHand reserved available } }`, {
    id: stockItemId,
  });
  expect(stockItem).toEqual({
    onHand: n * UNITS,
    reserved: outcomes.paid * UNITS,
    available: (n - outcomes.paid) * UNITS,
  });
  return {
    ...outcomes,
    refundedByWebhook: refundedBy.webhook,
    refundedByReaction: refundedBy.reaction,
  };
}

describe("race: cancel during payment", () => {
  it(
    "cancelOrder racing the provider's success webhook ends PAID, or CANCELLED and refunded, with stock released once",
    async () => {
      await raceUntilSeen(
        "cancel during payment",
        ["cancelledBeforePaid", "paidThenCancelled"],
        raceRound,
      );
    },
    MAX_ROUNDS * 40_000,
  );
});
