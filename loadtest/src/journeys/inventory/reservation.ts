import { staff } from "../../harness/client.ts";
import { type Journey, op, type Step } from "../../harness/journey.ts";
import { fixtureOf, fixtureStep } from "../fixture.ts";
import { transitionSteps } from "../steps.ts";

export const RESERVE = `mutation ReserveStock($input: ReserveStockInput!) { reserveStock(input: $input) { id status quantity } }`;

/**
 * Reservation commands are manual overrides only admin is given (the order flow reserves through
 * events), so the reservation journeys act as admin.
 */
export const ADMIN = staff("admin");

/**
 * Reserves `quantity` units of the fixture's stock item `item`; the id goes to
 * `state.reservationId`. Each reservation journey uses an item of its own, so their counts stay
 * apart.
 */
export const reserveStep = (item: number, quantity: number): Step =>
  op<{ reserveStock: { id: string } }>(
    "ReserveStock",
    ADMIN,
    RESERVE,
    (c) => ({ input: { stockItemId: fixtureOf(c).stockItemIds[item], quantity } }),
    (d, c) => {
      c.state.reservationId = d.reserveStock.id;
    },
  );

/** Reservation: reserve → confirm → commit (units leave on hand). */
export const reservation = (): Journey => ({
  name: "inventory.reservation",
  context: "inventory",
  steps: [
    fixtureStep,
    reserveStep(1, 2),
    ...transitionSteps("reservationId", ADMIN, {
      ConfirmReservation: `mutation ConfirmReservation($id: ID!) { confirmReservation(id: $id) { id status } }`,
      CommitReservation: `mutation CommitReservation($id: ID!) { commitReservation(id: $id) { id status } }`,
    }),
  ],
});
