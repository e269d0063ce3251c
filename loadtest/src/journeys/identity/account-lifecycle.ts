import type { Journey } from "../../harness/journey.ts";
import { idOp, registerCustomerStep } from "../steps.ts";

/** Account lifecycle: register → suspend → reactivate → close. */
export const accountLifecycle = (): Journey => ({
  name: "identity.account-lifecycle",
  context: "identity",
  steps: [
    registerCustomerStep("al"),
    idOp(
      "SuspendCustomer",
      `mutation SuspendCustomer($id: ID!) { suspendCustomer(id: $id, reason: "load test") { id status } }`,
      "customerId",
    ),
    idOp(
      "ReactivateCustomer",
      `mutation ReactivateCustomer($id: ID!) { reactivateCustomer(id: $id) { id status } }`,
      "customerId",
    ),
    idOp(
      "CloseCustomer",
      `mutation CloseCustomer($id: ID!) { closeCustomer(id: $id) { id status } }`,
      "customerId",
    ),
  ],
});
