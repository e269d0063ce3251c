import { need, op, step } from "../../harness/journey.ts";
import { fixtureOf } from "../fixture.ts";
import { CONFIRM, orderReaches, placeOrder } from "../orders.ts";

/** Steps several ordering journeys share: place, confirm, wait for PAID, ship, deliver. */

export const placeStep = (lines = 2) =>
  step("PlaceOrder", async (c) => {
    const f = fixtureOf(c);
    const o = await placeOrder(
      c,
      f.customerId,
      f.variantIds.slice(0, lines).map((variantId, i) => ({ variantId, quantity: 1 + i })),
    );
    c.state.orderId = o.id;
    c.state.total = o.grandTotal;
  });

export const confirmStep = op("ConfirmOrder", CONFIRM, (c) => ({ id: need(c, "orderId") }));

export const awaitPaid = step("await PAID", async (c) => {
  await orderReaches(c, need(c, "orderId"), ["PAID"], ["CANCELLED", "REFUNDED"]);
});

export const shipStep = op(
  "RecordOrderShipment",
  `mutation RecordOrderShipment($id: ID!) { recordOrderShipment(orderId: $id) { id status } }`,
  (c) => ({ id: need(c, "orderId") }),
);

export const deliverStep = op(
  "RecordOrderDelivery",
  `mutation RecordOrderDelivery($id: ID!) { recordOrderDelivery(id: $id) { id status } }`,
  (c) => ({ id: need(c, "orderId") }),
);

export const processingStep = op(
  "MarkOrderProcessing",
  `mutation MarkOrderProcessing($id: ID!) { markOrderProcessing(id: $id) { id status } }`,
  (c) => ({ id: need(c, "orderId") }),
);

export const completeStep = op(
  "CompleteOrder",
  `mutation CompleteOrder($id: ID!) { completeOrder(id: $id) { id status } }`,
  (c) => ({ id: need(c, "orderId") }),
);
