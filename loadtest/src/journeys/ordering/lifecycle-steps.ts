import { staff } from "../../harness/client.ts";
import { need, type Step, step, theCustomer } from "../../harness/journey.ts";
import { fixtureOf, fixtureStep } from "../fixture.ts";
import { CONFIRM, orderReaches, placeOrder } from "../orders.ts";
import { idOp, transitionSteps } from "../steps.ts";

/**
 * Steps the ordering journeys and the cancel race share: place, confirm, wait for PAID, the
 * openings built from them, and the fulfilment transitions. The customer places (and watches)
 * their order; fulfilment confirms it and takes it through processing, shipment and delivery.
 */

/** Fulfilment: confirms orders and takes them to the customer. */
export const FULFILMENT = staff("fulfilment");

export const placeStep = (lines = 2) =>
  step("PlaceOrder", theCustomer, async (c) => {
    const f = fixtureOf(c);
    const o = await placeOrder(
      c,
      f.customerId,
      f.variantIds.slice(0, lines).map((variantId, i) => ({ variantId, quantity: 1 + i })),
    );
    c.state.orderId = o.id;
    c.state.total = o.grandTotal;
  });

export const confirmStep = idOp("ConfirmOrder", FULFILMENT, CONFIRM, "orderId");

export const awaitPaid = step("await PAID", theCustomer, async (c) => {
  await orderReaches(c, need(c, "orderId"), ["PAID"], ["CANCELLED", "REFUNDED"]);
});

/** The opening of the journeys that go on from a paid order: set up, place 2 lines, confirm, PAID. */
export const paidOrderSteps = (): Step[] => [fixtureStep, placeStep(2), confirmStep, awaitPaid];

/**
 * The opening of the cancel-during-payment journey and race: a 1-line order whose charge the
 * provider succeeds but holds the report of, confirmed, until the report is held. `what` names
 * the wait in its timeout message.
 */
export const heldChargeSteps = (what: string): Step[] => [
  fixtureStep,
  placeStep(1),
  step("provider /script", theCustomer, async (c) => {
    // Marks the charge held before scripting it, so `releaseHeld` cleans up even on a stop here.
    c.state.held = true;
    await c.script({ orderId: need(c, "orderId") }, [{ outcome: "succeed", hold: true }]);
  }),
  confirmStep,
  step("await held report", theCustomer, async (c) => {
    await c.until(
      what,
      () => c.held({ orderId: need(c, "orderId") }),
      (n) => n > 0,
    );
  }),
];

/**
 * The order's fulfilment transitions, each taking only the order id: journeys pick the ones they
 * drive (the return journey stops at delivered).
 */
export const [processingStep, shipStep, deliverStep, completeStep] = transitionSteps(
  "orderId",
  FULFILMENT,
  {
    MarkOrderProcessing: `mutation MarkOrderProcessing($id: ID!) { markOrderProcessing(id: $id) { id status } }`,
    RecordOrderShipment: `mutation RecordOrderShipment($id: ID!) { recordOrderShipment(orderId: $id) { id status } }`,
    RecordOrderDelivery: `mutation RecordOrderDelivery($id: ID!) { recordOrderDelivery(id: $id) { id status } }`,
    CompleteOrder: `mutation CompleteOrder($id: ID!) { completeOrder(id: $id) { id status } }`,
  },
) as [Step, Step, Step, Step];
