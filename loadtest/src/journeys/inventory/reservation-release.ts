import { type Journey, need, op } from "../../harness/journey.ts";
import { fixtureOf, fixtureStep } from "../fixture.ts";
import { RESERVE } from "./reservation.ts";

/** Reservation release: reserve → release (units back to available). */
export const reservationRelease = (): Journey => ({
  name: "inventory.reservation-release",
  context: "inventory",
  steps: [
    fixtureStep,
    op<{ reserveStock: { id: string } }>(
      "ReserveStock",
      RESERVE,
      (c) => ({ input: { stockItemId: fixtureOf(c).stockItemIds[2], quantity: 3 } }),
      (d, c) => {
        c.state.reservationId = d.reserveStock.id;
      },
    ),
    op(
      "ReleaseReservation",
      `mutation ReleaseReservation($id: ID!) { releaseReservation(id: $id, reason: "load test") { id status } }`,
      (c) => ({ id: need(c, "reservationId") }),
    ),
  ],
});
