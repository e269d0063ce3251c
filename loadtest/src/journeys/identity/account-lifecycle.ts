import { type Journey, need, op } from "../../harness/journey.ts";
import { customerInput, REGISTER } from "../fixture.ts";

/** Account lifecycle: register → suspend → reactivate → close. */
export const accountLifecycle = (): Journey => ({
  name: "identity.account-lifecycle",
  context: "identity",
  steps: [
    op<{ registerCustomer: { id: string } }>(
      "RegisterCustomer",
      REGISTER,
      (c) => ({ input: customerInput(c.unique("al")) }),
      (d, c) => {
        c.state.customerId = d.registerCustomer.id;
      },
    ),
    op(
      "SuspendCustomer",
      `mutation SuspendCustomer($id: ID!) { suspendCustomer(id: $id, reason: "load test") { id status } }`,
      (c) => ({ id: need(c, "customerId") }),
    ),
    op(
      "ReactivateCustomer",
      `mutation ReactivateCustomer($id: ID!) { reactivateCustomer(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "customerId"),
      }),
    ),
    op(
      "CloseCustomer",
      `mutation CloseCustomer($id: ID!) { closeCustomer(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "customerId"),
      }),
    ),
  ],
});
