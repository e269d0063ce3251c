import { domainError, fieldsOf } from "@shopstream/testing/kit";
import { describe, expect, it } from "vitest";
import { levels } from "../stock/stock-levels.ts";
import {
  newReservation,
  planReservation,
  type Reservation,
  type ReservationAction,
  type ReservationStatus,
  reservationEvent,
  stockPlanOf,
  transition,
} from "./reservation.ts";

const now = new Date("2026-11-24T12:00:00.000Z");
const later = (s: number) => new Date(now.getTime() + s * 1000);
const stockItemId = "01900000-0000-7000-8000-000000000001";
const orderId = "01900000-0000-7000-8000-000000000002";

function reservation(status: ReservationStatus, expiresAt = later(900)): Reservation {
  return { ...newReservation({ stockItemId, quantity: 3, orderId }, "r1", now), status, expiresAt };
}

const confirm: ReservationAction = { kind: "confirm" };
const commit: ReservationAction = { kind: "commit" };
const release: ReservationAction = { kind: "release", reason: "CANCELLED" };

describe("reservation transitions", () => {
  it.each<[ReservationStatus, ReservationAction, ReservationStatus, object | null]>([
    ["ACTIVE", confirm, "CONFIRMED", null],
    ["CONFIRMED", commit, "COMMITTED", { onHand: -3, reserved: -3 }],
    ["ACTIVE", release, "RELEASED", { reserved: -3 }],
    ["CONFIRMED", release, "RELEASED", { reserved: -3 }],
  ])("%s --%o--> %s", (from, action, to, plan) => {
    const r = reservation(from);
    expect(transition(r, action, now)).toMatchObject({ status: to, version: 2, updatedAt: now });
    expect(stockPlanOf(r, action)).toEqual(plan);
  });

  it.each<[ReservationStatus, ReservationAction]>([
    ["ACTIVE", commit],
    ["CONFIRMED", confirm],
    ["COMMITTED", confirm],
    ["COMMITTED", commit],
    ["COMMITTED", release],
    ["RELEASED", confirm],
    ["RELEASED", commit],
    ["RELEASED", release],
  ])("%s --%o--> INVALID_STATE_TRANSITION", (from, action) => {
    const error = domainError(
      () => transition(reservation(from), action, now),
      "INVALID_STATE_TRANSITION",
    );
    expect(error.extensions).toMatchObject({ from, action: action.kind });
  });

  it.each<[ReservationStatus, ReservationAction]>([
    ["ACTIVE", confirm],
    ["CONFIRMED", commit],
  ])("an expired %s reservation cannot %o", (from, action) => {
    const error = domainError(() => transition(reservation(from, now), action, now));
    expect(error.extensions).toMatchObject({ from: "EXPIRED" });
  });

  it.each<ReservationStatus>(["ACTIVE", "CONFIRMED"])(
    "an expired %s reservation can still be released",
    (from) => {
      expect(transition(reservation(from, now), release, now).status).toBe("RELEASED");
    },
  );

  it("records the release reason, CANCELLED by default", () => {
    expect(transition(reservation("ACTIVE"), { kind: "release" }, now).releaseReason).toBe(
      "CANCELLED",
    );
    expect(
      transition(reservation("ACTIVE"), { kind: "release", reason: "EXPIRED" }, now).releaseReason,
    ).toBe("EXPIRED");
  });

  it("confirming may extend the expiry; otherwise it stays", () => {
    expect(transition(reservation("ACTIVE"), confirm, now).expiresAt).toEqual(later(900));
    expect(
      transition(reservation("ACTIVE"), { kind: "confirm", ttlSeconds: 86_400 }, now).expiresAt,
    ).toEqual(later(86_400));
  });

  it("validates the transition's arguments", () => {
    expect(
      domainError(() => transition(reservation("ACTIVE"), { kind: "confirm", ttlSeconds: 0 }, now))
        .extensions.fields,
    ).toEqual([{ field: "ttlSeconds", message: "must be between 1 and 604800" }]);
    domainError(
      () => transition(reservation("ACTIVE"), { kind: "release", reason: "x".repeat(501) }, now),
      "VALIDATION_FAILED",
    );
  });
});

describe("reserving", () => {
  it("holds the quantity and expires after 15 minutes by default", () => {
    expect(planReservation({ stockItemId, quantity: 2 })).toEqual({ reserved: 2 });
    const r = newReservation({ stockItemId, quantity: 2 }, "r", now);
    expect(r).toMatchObject({ status: "ACTIVE", version: 1, orderId: null, expiresAt: later(900) });
    expect(newReservation({ stockItemId, quantity: 2, ttlSeconds: 1 }, "r", now).expiresAt).toEqual(
      later(1),
    );
  });

  it("names every invalid field", () => {
    const fields = fieldsOf(() =>
      planReservation({ stockItemId: "nope", quantity: 0, orderId: "42", ttlSeconds: 0 }),
    );
    expect(fields).toEqual(["stockItemId", "quantity", "orderId", "ttlSeconds"]);
  });

  it("describes the reservation and the stock in its events", () => {
    const r = newReservation({ stockItemId, quantity: 2, orderId }, "r", now);
    const stock = {
      variantId: "v",
      warehouseId: "w",
      previous: levels(5, 0, 0),
      current: levels(5, 2, 0),
    };
    expect(reservationEvent(r, "create", stock, null)).toEqual({
      type: "ReservationCreated",
      aggregateType: "Reservation",
      aggregateId: "r",
      aggregateVersion: 1,
      payload: {
        reservationId: "r",
        orderId,
        quantity: 2,
        status: "ACTIVE",
        expiresAt: later(900).toISOString(),
        previousStatus: null,
        stockItemId,
        ...stock,
      },
    });
  });
});
