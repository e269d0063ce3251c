import {
  EACH_CALL,
  type Journey,
  need,
  StepError,
  step,
  tally,
  theCustomer,
} from "../harness/journey.ts";
import { fixtureOf, fixtureStep } from "../journeys/fixture.ts";
import { FULFILMENT, placeStep } from "../journeys/ordering/lifecycle-steps.ts";
import { CANCEL, CONFIRM } from "../journeys/orders.ts";

const ADD = `mutation AddOrderItem($id: ID!, $v: ID!) { addOrderItem(orderId: $id, input: { variantId: $v, quantity: 1 }) { id } }`;
const TOTALS = `query OrderTotals($id: ID!) { order(id: $id) { status subtotal { amount } lines { lineTotal { amount } } } }`;

/**
 * Concurrent modification: two line additions (by the customer) race a confirmation (by
 * fulfilment). Each call applies fully or
 * fails with CONFLICT / INVALID_STATE_TRANSITION; the totals always equal the lines.
 */
export const concurrentModification = (): Journey => ({
  name: "race.concurrent-modification",
  context: "ordering",
  expected: ["CONFLICT", "INVALID_STATE_TRANSITION"],
  steps: [
    fixtureStep,
    placeStep(1),
    step("AddOrderItem ×2 + ConfirmOrder", EACH_CALL, async (c) => {
      const as = { as: theCustomer(c) };
      const id = need(c, "orderId");
      const [v1, v2] = fixtureOf(c).variantIds.slice(1);
      const results = await Promise.all([
        c.attempt("AddOrderItem", ADD, { id, v: v1 }, as),
        c.attempt("AddOrderItem", ADD, { id, v: v2 }, as),
        c.attempt("ConfirmOrder", CONFIRM, { id }, { as: FULFILMENT }),
      ]);
      for (const r of results) {
        if (r.code && r.code !== "CONFLICT" && r.code !== "INVALID_STATE_TRANSITION") {
          throw new StepError(r.code, r.errors?.[0]?.message ?? "");
        }
      }
      tally(
        c.env.tracker,
        "concurrent modification",
        results.map((r) => r.code ?? "ok").join(" / "),
      );
    }),
    step("check totals", theCustomer, async (c) => {
      const d = await c.gql<{
        order: {
          status: string;
          subtotal: { amount: number };
          lines: { lineTotal: { amount: number } }[];
        };
      }>("OrderTotals", TOTALS, { id: need(c, "orderId") });
      const sum = d.order.lines.reduce((s, l) => s + l.lineTotal.amount, 0);
      if (sum !== d.order.subtotal.amount)
        throw new StepError(
          "TOTALS_MISMATCH",
          `lines ${sum} ≠ subtotal ${d.order.subtotal.amount}`,
        );
      c.state.status = d.order.status;
    }),
    step("CancelOrder", theCustomer, async (c) => {
      // An order the confirmation lost is left CREATED: cancel it so nothing stays open.
      if (c.state.status === "CREATED")
        await c.gql("CancelOrder", CANCEL, { id: need(c, "orderId"), reason: "race tidy-up" });
    }),
  ],
});
