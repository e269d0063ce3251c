import { type Journey, need, op } from "../../harness/journey.ts";
import { fixtureOf, fixtureStep } from "../fixture.ts";

export const RESERVE = `mutation ReserveStock($input: ReserveStockInput!) { reserveStock(input: $input) { id status quantity } }`;

/** Reservation: reserve → confirm → commit (units leave on hand). */
export const reservation = (): Journey => ({
  name: "inventory.reservation",
  context: "inventory",
  steps: [
    fixtureStep,
    op<{ reserveStock: { id: string } }>(
      "ReserveStock",
      RESERVE,
      (c) => ({ input: { stockItemId: fixtureOf(c).stockItemIds[1], quantity: 2 } }),
      (d, c) => {
        c.state.reservationId = d.reserveStock.id;
      },
    ),
    op(
      "ConfirmReservation",
      `mutation ConfirmReservation($id: ID!) { confirmReservation(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "reservationId"),
      }),
    ),
    op(
      "CommitReservation",
      `mutation CommitReservation($id: ID!) { commitReservation(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "reservationId"),
      }),
    ),
  ],
});
