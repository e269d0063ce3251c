import { newId } from "@shopstream/outbox";
import { expectDomainError } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { changeReservation } from "../src/reservations/change-reservation.ts";
import { releaseExpiredReservations } from "../src/reservations/release-expired-reservations.ts";
import type { ReserveStockCommand } from "../src/reservations/reservation.ts";
import { reserveStock } from "../src/reservations/reserve-stock.ts";
import {
  deps,
  eventsOf,
  expectGapFree,
  expectHistory,
  meta,
  newStockItem,
  prisma,
  stockOf,
} from "./helpers.ts";

const reserve = (stockItemId: string, quantity: number, more: Partial<ReserveStockCommand> = {}) =>
  reserveStock(deps, { stockItemId, quantity, ...more }, meta());
const confirm = (id: string, d = deps) => changeReservation(d, id, { kind: "confirm" }, meta());
const commit = (id: string) => changeReservation(deps, id, { kind: "commit" }, meta());
const release = (id: string, reason?: string) =>
  changeReservation(deps, id, { kind: "release", reason }, meta());

describe("flash sale: 50 concurrent buyers, 10 units", () => {
  it("reserves exactly the units that exist; losers get INSUFFICIENT_STOCK", async () => {
    const item = await newStockItem({ onHand: 10 });
    const quantities = Array.from({ length: 50 }, (_, i) => 1 + (i % 3));
    // Watch available while the sale runs: it must never go below 0.
    let watching = true;
    const samples: number[] = [];
    const watcher = (async () => {
      while (watching) {
        const s = await stockOf(item.id);
        samples.push(s.onHand - s.reserved);
      }
    })();
    const results = await Promise.allSettled(
      quantities.map((quantity) => reserve(item.id, quantity, { orderId: newId() })),
    );
    watching = false;
    await watcher;

    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [quantities[i]!] : []));
    const reservedUnits = won.reduce((a, b) => a + b, 0);
    // Both sides of the race happened: some buyers won, some lost.
    expect(won.length).toBeGreaterThan(0);
    expect(won.length).toBeLessThan(quantities.length);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect(
        (r as PromiseRejectedResult).reason,
        String((r as PromiseRejectedResult).reason),
      ).toMatchObject({ code: "INSUFFICIENT_STOCK" });
    }
    // 50 buyers want ~100 units: the 10 units run out, and what is left is too little for
    // every loser (each loser wanted more than was left when it tried).
    const stored = await stockOf(item.id);
    expect(stored.reserved).toBe(reservedUnits);
    // At least 7 of the 17 one-unit buyers lose, and a one-unit buyer only loses at 0 left.
    expect(reservedUnits).toBe(10);
    expect(10 - reservedUnits).toBeLessThan(
      Math.min(...quantities.filter((_, i) => results[i]?.status === "rejected")),
    );
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(
      await prisma.reservation.aggregate({
        where: { stockItemId: item.id },
        _sum: { quantity: true },
      }),
    ).toMatchObject({ _sum: { quantity: reservedUnits } });
    await expectGapFree(item.id, stored.version);
  });
});

describe("reservation lifecycle (commands, real PostgreSQL)", () => {
  it("reserve → confirm → commit: onHand and reserved both drop; events on both aggregates", async () => {
    const item = await newStockItem({ onHand: 10 });
    const orderId = newId();
    const r = await reserve(item.id, 3, { orderId });
    expect(r).toMatchObject({ status: "ACTIVE", quantity: 3, orderId, version: 1 });
    expect(r.expiresAt.getTime() - r.createdAt.getTime()).toBe(15 * 60 * 1000);
    expect(await stockOf(item.id)).toMatchObject({ onHand: 10, reserved: 3 });

    await confirm(r.id);
    const committed = await commit(r.id);
    expect(committed).toMatchObject({ status: "COMMITTED", version: 3 });
    expect(await stockOf(item.id)).toMatchObject({ onHand: 7, reserved: 0 });

    const reservationEvents = await expectHistory(r.id, [
      "ReservationCreated",
      "ReservationConfirmed",
      "ReservationCommitted",
    ]);
    expect(reservationEvents[2]?.payload).toMatchObject({
      reservationId: r.id,
      orderId,
      stockItemId: item.id,
      previousStatus: "CONFIRMED",
      status: "COMMITTED",
      previous: { onHand: 10, reserved: 3, available: 7 },
      current: { onHand: 7, reserved: 0, available: 7 },
    });
    const stockEvents = await expectHistory(item.id, [
      "StockInitialized",
      "StockReceived",
      "StockReserved",
      "ReservedStockCommitted",
    ]);
    expect(stockEvents[2]?.payload).toMatchObject({ reservationId: r.id, quantity: 3, orderId });
  });

  it("releases ACTIVE and CONFIRMED reservations; reserved drops", async () => {
    const item = await newStockItem({ onHand: 10 });
    const a = await reserve(item.id, 2);
    const b = await reserve(item.id, 3);
    await confirm(b.id);
    expect(await release(a.id)).toMatchObject({
      status: "RELEASED",
      releaseReason: "CANCELLED",
    });
    await release(b.id, "PAYMENT_FAILED");
    expect(await stockOf(item.id)).toMatchObject({ onHand: 10, reserved: 0 });
    const released = (await eventsOf(b.id)).at(-1);
    expect(released).toMatchObject({ eventType: "ReservationReleased", aggregateVersion: 3 });
    expect(released?.payload).toMatchObject({
      reason: "PAYMENT_FAILED",
      current: { available: 10 },
    });
  });

  it.each([
    ["commit an ACTIVE reservation", "ACTIVE", "commit"],
    ["confirm a COMMITTED one", "COMMITTED", "confirm"],
    ["release a COMMITTED one", "COMMITTED", "release"],
    ["release a RELEASED one", "RELEASED", "release"],
    ["confirm a RELEASED one", "RELEASED", "confirm"],
  ])("refuses to %s with INVALID_STATE_TRANSITION", async (_, state, action) => {
    const item = await newStockItem({ onHand: 5 });
    const r = await reserve(item.id, 1);
    if (state === "COMMITTED") {
      await confirm(r.id);
      await commit(r.id);
    }
    if (state === "RELEASED") await release(r.id);
    const before = await stockOf(item.id);
    const run = { commit, confirm, release }[action]!;
    await expectDomainError(run(r.id), "INVALID_STATE_TRANSITION");
    expect(await stockOf(item.id)).toEqual(before);
  });

  it("refuses to confirm an expired reservation", async () => {
    const item = await newStockItem({ onHand: 5 });
    const r = await reserve(item.id, 1, { ttlSeconds: 1 });
    const later = { prisma, now: () => new Date(r.expiresAt.getTime() + 1) };
    const error = await expectDomainError(confirm(r.id, later), "INVALID_STATE_TRANSITION");
    expect(error.extensions).toMatchObject({ from: "EXPIRED" });
  });

  it("lets exactly one of a racing confirm and release win; the other gets CONFLICT", async () => {
    const item = await newStockItem({ onHand: 10 });
    // Rounds run until the interleaving this test is about (both loaded the reservation before
    // either saved) has happened; confirm-then-release or release-then-confirm may come first.
    const outcomes: string[] = [];
    for (let round = 0; round < 10 && !outcomes.includes("CONFLICT"); round++) {
      const r = await reserve(item.id, 1);
      const results = await Promise.allSettled([confirm(r.id), release(r.id)]);
      const failed = results.filter((x) => x.status === "rejected") as PromiseRejectedResult[];
      expect(failed.length).toBeLessThanOrEqual(1);
      for (const f of failed) {
        expect(["CONFLICT", "INVALID_STATE_TRANSITION"]).toContain(f.reason.code);
      }
      outcomes.push(failed[0]?.reason.code ?? "both applied");
      await expectGapFree(
        r.id,
        (await prisma.reservation.findUniqueOrThrow({ where: { id: r.id } })).version,
      );
    }
    // One winner and one CONFLICT in the same round: never both, never a lost update.
    expect(outcomes).toContain("CONFLICT");
    const stored = await stockOf(item.id);
    const open = await prisma.reservation.aggregate({
      where: { stockItemId: item.id, status: { in: ["ACTIVE", "CONFIRMED"] } },
      _sum: { quantity: true },
    });
    expect(stored.reserved).toBe(open._sum.quantity ?? 0);
  });

  it("refuses a malformed request and an unknown stock item", async () => {
    await expectDomainError(reserve("x", 0), "VALIDATION_FAILED");
    await expectDomainError(reserve(newId(), 1), "NOT_FOUND");
  });
});

describe("releaseExpiredReservations", () => {
  it("releases an expired reservation exactly once, even when run twice concurrently", async () => {
    const item = await newStockItem({ onHand: 10 });
    const expired = await reserve(item.id, 2, { ttlSeconds: 1 });
    const confirmed = await reserve(item.id, 3, { ttlSeconds: 1 });
    await confirm(confirmed.id);
    const fresh = await reserve(item.id, 1);
    const now = new Date(expired.expiresAt.getTime() + 1000);

    const [a, b] = await Promise.all([
      releaseExpiredReservations(prisma, now),
      releaseExpiredReservations(prisma, now),
    ]);
    // Other tests' expired reservations may be released by these calls too; ours exactly once.
    expect(a + b).toBeGreaterThanOrEqual(2);
    for (const id of [expired.id, confirmed.id]) {
      const events = await eventsOf(id);
      expect(events.filter((e) => e.eventType === "ReservationReleased")).toHaveLength(1);
      expect(events.at(-1)?.payload).toMatchObject({ reason: "EXPIRED" });
    }
    expect(await prisma.reservation.findUniqueOrThrow({ where: { id: fresh.id } })).toMatchObject({
      status: "ACTIVE",
    });
    expect(await stockOf(item.id)).toMatchObject({ onHand: 10, reserved: 1 });
    expect(
      (await eventsOf(item.id)).filter((e) => e.eventType === "ReservedStockReleased"),
    ).toHaveLength(2);
    expect(await releaseExpiredReservations(prisma, now)).toBeGreaterThanOrEqual(0);
    expect(await stockOf(item.id)).toMatchObject({ reserved: 1 });
  });
});
