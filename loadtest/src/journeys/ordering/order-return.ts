import { type Journey, theCustomer } from "../../harness/journey.ts";
import { awaitRefunded, transitionSteps } from "../steps.ts";
import { deliverStep, FULFILMENT, paidOrderSteps, shipStep } from "./lifecycle-steps.ts";

/**
 * Return: … delivered → return requested (by the customer) → approved → returned (fulfilment)
 * → refunded.
 */
export const orderReturn = (): Journey => ({
  name: "ordering.order-return",
  context: "ordering",
  steps: [
    ...paidOrderSteps(),
    shipStep,
    deliverStep,
    ...transitionSteps("orderId", theCustomer, {
      RequestOrderReturn: `mutation RequestOrderReturn($id: ID!) { requestOrderReturn(id: $id, reason: "too small") { id status } }`,
    }),
    ...transitionSteps("orderId", FULFILMENT, {
      ApproveOrderReturn: `mutation ApproveOrderReturn($id: ID!) { approveOrderReturn(id: $id) { id status } }`,
      RecordOrderReturn: `mutation RecordOrderReturn($id: ID!) { recordOrderReturn(id: $id) { id status } }`,
    }),
    awaitRefunded,
  ],
});
