import { type Journey, need, op, step } from "../../harness/journey.ts";
import { fixtureStep } from "../fixture.ts";
import { orderReaches } from "../orders.ts";
import { awaitPaid, confirmStep, deliverStep, placeStep, shipStep } from "./lifecycle-steps.ts";

/** Return: … delivered → return requested → approved → returned → refunded. */
export const orderReturn = (): Journey => ({
  name: "ordering.order-return",
  context: "ordering",
  steps: [
    fixtureStep,
    placeStep(2),
    confirmStep,
    awaitPaid,
    shipStep,
    deliverStep,
    op(
      "RequestOrderReturn",
      `mutation RequestOrderReturn($id: ID!) { requestOrderReturn(id: $id, reason: "too small") { id status } }`,
      (c) => ({
        id: need(c, "orderId"),
      }),
    ),
    op(
      "ApproveOrderReturn",
      `mutation ApproveOrderReturn($id: ID!) { approveOrderReturn(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "orderId"),
      }),
    ),
    op(
      "RecordOrderReturn",
      `mutation RecordOrderReturn($id: ID!) { recordOrderReturn(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "orderId"),
      }),
    ),
    step("await REFUNDED", async (c) => {
      await orderReaches(c, need(c, "orderId"), ["REFUNDED"]);
    }),
  ],
});
