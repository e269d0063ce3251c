import type { Journey } from "../../harness/journey.ts";
import { registerCustomerStep, transitionSteps } from "../steps.ts";

/** Account lifecycle: register → suspend → reactivate → close. */
export const accountLifecycle = (): Journey => ({
  name: "identity.account-lifecycle",
  context: "identity",
  steps: [
    registerCustomerStep("al"),
    ...transitionSteps("customerId", {
      SuspendCustomer: `mutation SuspendCustomer($id: ID!) { suspendCustomer(id: $id, reason: "load test") { id status } }`,
      ReactivateCustomer: `mutation ReactivateCustomer($id: ID!) { reactivateCustomer(id: $id) { id status } }`,
      CloseCustomer: `mutation CloseCustomer($id: ID!) { closeCustomer(id: $id) { id status } }`,
    }),
  ],
});
