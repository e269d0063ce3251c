import { customer } from "../../harness/client.ts";
import { type Journey, need, StepError, step, theCustomer } from "../../harness/journey.ts";
import { sleep } from "../../harness/time.ts";
import { fixtureStep } from "../fixture.ts";
import { confirmStep, placeStep } from "../ordering/lifecycle-steps.ts";
import { CANCEL, readOrder } from "../orders.ts";

/**
 * Checkout saga: 70 % of orders are paid, 30 % have every payment attempt declined (scripted at
 * the provider) and are retried until the saga cancels them and compensates (stock released).
 */
export const checkoutSaga = (): Journey => ({
  name: "cross-context.checkout-saga",
  context: "cross-context",
  // A customer who leaves while a declined order awaits its retry cancels it, so no order is
  // left CONFIRMED holding stock when the run stops.
  cleanup: async (c) => {
    const id = c.state.orderId;
    if (typeof id !== "string" || !c.state.fail) return;
    // The saga may move the order at the same moment (CONFLICT): try again, a few times.
    for (let i = 0; i < 10; i++) {
      const r = await c.env.client.request(
        "CancelOrder",
        CANCEL,
        { id, reason: "customer left" },
        await c.tokenOf(customer(need(c, "externalId"))),
      );
      if (r.code !== "CONFLICT") return;
      await sleep(200);
    }
  },
  steps: [
    fixtureStep,
    placeStep(2),
    step("provider /script", theCustomer, async (c) => {
      c.state.fail = c.random() < 0.3;
      const outcomes = c.state.fail
        ? [1, 2, 3].map((n) => ({ outcome: "fail" as const, reason: `declined ${n}` }))
        : [{ outcome: "succeed" as const }];
      await c.script({ orderId: need(c, "orderId") }, outcomes);
    }),
    confirmStep,
    // The customer watches their order and retries a declined payment, as a shop page would.
    step("await saga end", theCustomer, async (c) => {
      const id = need(c, "orderId");
      const retried = new Set<number>();
      const end = await c.until(
        "the saga to end",
        async () => {
          const o = await readOrder(c, id);
          const p = o.payments[0];
          // A declined attempt leaves the order CONFIRMED awaiting a retry: ask for it, once per attempt.
          if (
            o.status === "CONFIRMED" &&
            p?.status === "FAILED" &&
            p.attempts < 3 &&
            !retried.has(p.attempts)
          ) {
            retried.add(p.attempts);
            await c.gql(
              "RetryPayment",
              `mutation RetryPayment($id: ID!) { retryPayment(id: $id) { id status } }`,
              { id: p.id },
            );
          }
          return o;
        },
        (o) =>
          o.status === "PAID" ||
          (o.status === "CANCELLED" && o.reservations.every((r) => r.status === "RELEASED")),
      );
      const wanted = c.state.fail ? "CANCELLED" : "PAID";
      if (end.status !== wanted)
        throw new StepError(
          `ORDER_${end.status}`,
          `expected ${wanted}, the saga ended ${end.status}`,
        );
    }),
  ],
});
