import { staff } from "../../harness/client.ts";
import { type Journey, theCustomer } from "../../harness/journey.ts";
import { registerCustomerStep, transitionSteps } from "../steps.ts";

/**
 * Account lifecycle: the customer registers → support suspends and reactivates them → the
 * customer closes their account.
 */
export const accountLifecycle = (): Journey => ({
  name: "identity.account-lifecycle",
  context: "identity",
  steps: [
    registerCustomerStep("al"),
    ...transitionSteps("customerId", staff("support"), {
      SuspendCustomer: `mutation SuspendCustomer($id: ID!) { suspendCustomer(id: $id, reason: "load test") { id status } }`,
      ReactivateCustomer: `mutation ReactivateCustomer($id: ID!) { reactivateCustomer(id: $id) { id status } }`,
    }),
    ...transitionSteps("customerId", theCustomer, {
      CloseCustomer: `mutation CloseCustomer($id: ID!) { closeCustomer(id: $id) { id status } }`,
    }),
  ],
});
