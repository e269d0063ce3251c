import { describe, expect, it } from "vitest";
import { newReservation } from "../reservations/reservation.ts";
import {
  canConfirm,
  canRelease,
  committed,
  confirmed,
  linesToCommit,
  linesToRelease,
  ORDER_STOCK_STATUSES,
  type OrderStock,
  type OrderStockStatus,
  released,
  reservationOrder,
  reserved,
  shortage,
} from "./order-stock.ts";

const now = new Date("2026-11-24T12:00:00.000Z");
const orderId = "01900000-0000-7000-8000-000000000002";
const line = (n: number, variant: string, quantity = 1) => ({
  lineId: `l${n}`,
  variantId: `01900000-0000-7000-8000-00000000000${variant}`,
  quantity,
});
const hold = (n: number, variant: string, quantity = 1) => ({
  line: line(n, variant, quantity),
  reservation: {
    ...newReservation({ stockItemId: `s${n}`, quantity, orderId }, `r${n}`, now),
  },
});

const base = reserved(orderId, [hold(1, "a", 2), hold(2, "b", 1)], now).state;
const inStatus = (status: OrderStockStatus): OrderStock => ({ ...base, status, version: 3 });

describe("creation", () => {
  it("RESERVED at version 1 with every line and its reservation", () => {
    const { state, events } = reserved(orderId, [hold(1, "a", 2)], now);
    expect(state).toMatchObject({ status: "RESERVED", version: 1 });
    expect(state.lines).toEqual([
      {
        lineId: "l1",
        variantId: line(1, "a").variantId,
        quantity: 2,
        reservationId: "r1",
        stockItemId: "s1",
        committed: false,
      },
    ]);
    expect(events).toMatchObject([
      {
        type: "OrderStockReserved",
        aggregateType: "OrderStock",
        aggregateId: orderId,
        aggregateVersion: 1,
        payload: {
          orderId,
          reservations: [
            { reservationId: "r1", stockItemId: "s1", quantity: 2, expiresAt: expect.any(String) },
          ],
        },
      },
    ]);
  });

  it("SHORTAGE at version 1 holding nothing, with the numbers", () => {
    const shortages = [{ variantId: "v", requested: 3, available: 1 }];
    const { state, events } = shortage(orderId, shortages, now);
    expect(state).toMatchObject({ status: "SHORTAGE", version: 1, lines: [] });
    expect(events).toMatchObject([
      {
        type: "OrderStockShortage",
        aggregateVersion: 1,
        payload: { orderId, shortages },
      },
    ]);
  });

  it("reserves lines ordered by variant, then line", () => {
    expect(
      reservationOrder([line(3, "b"), line(2, "a"), line(1, "b")]).map((l) => l.lineId),
    ).toEqual(["l2", "l1", "l3"]);
  });
});

describe("which events apply in which status", () => {
  it.each(
    ORDER_STOCK_STATUSES.map((s) => [
      s,
      s === "RESERVED",
      ["RESERVED", "CONFIRMED", "PARTIALLY_COMMITTED"].includes(s),
    ]),
  )("%s: confirm %s, release %s", (status, confirmable, releasable) => {
    expect(canConfirm(inStatus(status as OrderStockStatus))).toBe(confirmable);
    expect(canRelease(inStatus(status as OrderStockStatus))).toBe(releasable);
    const commits = linesToCommit(inStatus(status as OrderStockStatus), {
      lines: [{ lineId: "l1" }, { lineId: "l2" }],
      unshipped: [],
    });
    expect(commits.length > 0).toBe(releasable);
  });

  it("nothing applies to an unknown order", () => {
    expect(canConfirm(null)).toBe(false);
    expect(canRelease(null)).toBe(false);
    expect(linesToCommit(null, { lines: [{ lineId: "l1" }], unshipped: [] })).toEqual([]);
  });
});

describe("transitions", () => {
  it("confirm: RESERVED → CONFIRMED, version +1, lists confirmed and lost", () => {
    const lost = [
      {
        reservationId: "r2",
        lineId: "l2",
        variantId: "v",
        quantity: 1,
        reservationStatus: "EXPIRED" as const,
      },
    ];
    const { state, events } = confirmed(inStatus("RESERVED"), ["r1"], lost, now);
    expect(state).toMatchObject({ status: "CONFIRMED", version: 4 });
    expect(events).toMatchObject([
      {
        type: "OrderStockConfirmed",
        aggregateVersion: 4,
        payload: {
          previousStatus: "RESERVED",
          status: "CONFIRMED",
          reservations: [{ reservationId: "r1" }],
          lost,
        },
      },
    ]);
  });

  it.each([
    // [unshipped after the shipment, shipment lines, lines committed, status]
    [
      [
        { lineId: "l1", quantity: 0 },
        { lineId: "l2", quantity: 1 },
      ],
      ["l1"],
      ["l1"],
      "PARTIALLY_COMMITTED",
    ],
    [
      [
        { lineId: "l1", quantity: 1 },
        { lineId: "l2", quantity: 1 },
      ],
      ["l1"],
      [],
      null,
    ],
    [
      [
        { lineId: "l1", quantity: 0 },
        { lineId: "l2", quantity: 0 },
      ],
      ["l1", "l2"],
      ["l1", "l2"],
      "COMMITTED",
    ],
    [[], ["l2"], ["l2"], "PARTIALLY_COMMITTED"],
  ] as const)("shipment leaving %j commits %j", (unshipped, shipped, expected, status) => {
    const os = inStatus("CONFIRMED");
    const lines = linesToCommit(os, {
      lines: shipped.map((lineId) => ({ lineId })),
      unshipped: [...unshipped],
    });
    expect(lines.map((l) => l.lineId)).toEqual(expected);
    if (status) {
      const d = committed(
        os,
        "sh1",
        lines.map((l) => l.reservationId),
        [],
        now,
      );
      expect(d.state).toMatchObject({ status, version: 4 });
      expect(d.events).toMatchObject([
        {
          type: "OrderStockCommitted",
          payload: { shipmentId: "sh1", previousStatus: "CONFIRMED", status },
        },
      ]);
    }
  });

  it("a committed line is neither committed again nor released", () => {
    const os = committed(inStatus("CONFIRMED"), "sh1", ["r1"], [], now).state;
    expect(linesToCommit(os, { lines: [{ lineId: "l1" }], unshipped: [] })).toEqual([]);
    expect(linesToRelease(os).map((l) => l.lineId)).toEqual(["l2"]);
    const last = committed(os, "sh2", ["r2"], [], now).state;
    expect(last.status).toBe("COMMITTED");
    expect(canRelease(last)).toBe(false);
  });

  it("release: → RELEASED (terminal) with the reason and what was released", () => {
    const { state, events } = released(inStatus("CONFIRMED"), "changed my mind", ["r1", "r2"], now);
    expect(state).toMatchObject({ status: "RELEASED", version: 4 });
    expect(canRelease(state)).toBe(false);
    expect(events).toMatchObject([
      {
        type: "OrderStockReleased",
        aggregateVersion: 4,
        payload: {
          reason: "changed my mind",
          reservations: [{ reservationId: "r1" }, { reservationId: "r2" }],
        },
      },
    ]);
  });
});
