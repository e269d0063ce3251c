import type { Journey } from "../../harness/journey.ts";
import { fixtureStep } from "../fixture.ts";
import { idOp } from "../steps.ts";
import { ADMIN, reserveStep } from "./reservation.ts";

/** Reservation release: reserve → release (units back to available). */
export const reservationRelease = (): Journey => ({
  name: "inventory.reservation-release",
  context: "inventory",
  steps: [
    fixtureStep,
    reserveStep(2, 3),
    idOp(
      "ReleaseReservation",
      ADMIN,
      `mutation ReleaseReservation($id: ID!) { releaseReservation(id: $id, reason: "load test") { id status } }`,
      "reservationId",
    ),
  ],
});
