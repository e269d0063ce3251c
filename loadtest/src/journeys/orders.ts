import { type JourneyContext, StepError } from "../harness/journey.ts";

/** Order reads and waits shared by the ordering, payments and cross-context journeys. */

export const PLACE_ORDER = `mutation PlaceOrder($input: PlaceOrderInput!, $key: String) { placeOrder(input: $input, idempotencyKey: $key) { id status grandTotal { amount currency } } }`;
export const CONFIRM = `mutation ConfirmOrder($id: ID!) { confirmOrder(id: $id) { id status } }`;
export const CANCEL = `mutation CancelOrder($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { id status } }`;
export const ORDER_STATE = `query OrderState($id: ID!) { order(id: $id) { id status checkout { status } payments { id status attempts captured { amount } } reservations { status } } }`;

export interface OrderState {
  id: string;
  status: string;
  checkout: { status: string };
  payments: { id: string; status: string; attempts: number; captured: { amount: number } }[];
  reservations: { status: string }[];
}

/** Places an order for the customer once ordering knows them and the variants; tracked. */
export async function placeOrder(
  ctx: JourneyContext,
  customerId: string,
  lines: { variantId: string; quantity: number }[],
): Promise<{ id: string; grandTotal: { amount: number; currency: string } }> {
  const d = await ctx.gql<{
    placeOrder: { id: string; grandTotal: { amount: number; currency: string } };
  }>(
    "PlaceOrder",
    PLACE_ORDER,
    { input: { customerId, lines }, key: ctx.unique("order") },
    { retryWhile: ["VALIDATION_FAILED"] },
  );
  ctx.env.tracker.orders.set(d.placeOrder.id, { journey: ctx.journey.name });
  return d.placeOrder;
}

export const readOrder = async (ctx: JourneyContext, id: string): Promise<OrderState> => {
  const d = await ctx.gql<{ order: OrderState | null }>("OrderState", ORDER_STATE, { id });
  if (!d.order) throw new StepError("NOT_FOUND", `order ${id} not readable`);
  return d.order;
};

/** Polls the order until its status is one of `statuses`; fails at once on a status in `fail`. */
export async function orderReaches(
  ctx: JourneyContext,
  id: string,
  statuses: string[],
  fail: string[] = [],
) {
  const o = await ctx.until(
    `order ${id} to reach ${statuses.join("/")}`,
    () => readOrder(ctx, id),
    (o) => statuses.includes(o.status) || fail.includes(o.status),
  );
  if (fail.includes(o.status))
    throw new StepError(`ORDER_${o.status}`, `order ${id} ended ${o.status}`);
  return o;
}
