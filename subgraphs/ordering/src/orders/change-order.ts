import { DomainError, type FieldError } from "@shopstream/errors";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import { saveCheckoutSaga } from "../checkout/checkout-saga.repository.ts";
import { findCustomerView } from "../customers/customer-view.repository.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { findVariantPrices } from "../pricing/price-view.repository.ts";
import { resolveCoupon } from "./coupons.ts";
import { appendOrderHistory, findOrder, type StoredOrder, saveOrder } from "./order.repository.ts";
import type { Order, OrderDecision, Shipment } from "./order.ts";
import type { CommandDeps } from "./order-commands.deps.ts";
import * as lifecycle from "./order-lifecycle.ts";
import * as editing from "./order-lines.ts";

type Decide = (
  order: StoredOrder,
  tx: Prisma.TransactionClient,
) => OrderDecision | Promise<OrderDecision>;

/**
 * The one write path for an existing order: in one transaction, load it, decide (pure), then save
 * the new state guarded by the loaded version, with its events in the outbox and in the order's
 * history. A concurrent change that committed first makes the guarded save match nothing:
 * CONFLICT, never a lost update. A decision without events writes nothing.
 */
export async function changeOrder(
  deps: CommandDeps,
  orderId: string,
  decide: Decide,
  metadata: EventMetadata,
): Promise<Order> {
  const now = deps.now?.() ?? new Date();
  return deps.prisma.$transaction((tx) => changeOrderIn(tx, orderId, decide, metadata, now));
}

/**
 * The same write path inside a transaction the caller already holds (a consumer's, so the
 * reaction commits together with the consumer's inbox row and checkpoint).
 */
export async function changeOrderIn(
  tx: Prisma.TransactionClient,
  orderId: string,
  decide: Decide,
  metadata: EventMetadata,
  now: Date = new Date(),
): Promise<Order> {
  const current = await findOrder(tx, orderId);
  if (!current) throw DomainError.notFound("Order", orderId);
  const { state, events } = await decide(current, tx);
  if (events.length === 0) return current;
  if (!(await saveOrder(tx, current, state, now))) throw DomainError.conflict("Order", orderId);
  const envelopes = events.map((e) => toEnvelope(e, metadata, now));
  await appendToOutbox(tx, envelopes);
  await appendOrderHistory(tx, envelopes);
  await saveCheckoutSaga(tx, state, envelopes, now);
  return state;
}

/** The tier to price a new line for: the customer's current tier, else the one at placement. */
async function tierFor(order: StoredOrder, tx: Prisma.TransactionClient) {
  return (await findCustomerView(tx, order.customerId))?.tier ?? order.customerTier;
}

/** The domain names an added line's fields `line.*`; the mutation's input calls them `variantId`, `quantity`. */
function withInputFieldNames(error: unknown): unknown {
  if (!(error instanceof DomainError) || error.code !== "VALIDATION_FAILED") return error;
  const fields = (error.extensions.fields as FieldError[]).map((f) => ({
    ...f,
    field: f.field.replace(/^line\./, ""),
  }));
  return DomainError.validation(fields);
}

// ---- Commands (the resolvers' one-liners) ----

export interface OrderItemInput {
  variantId: string;
  quantity: number;
}

export const addOrderItem = (
  deps: CommandDeps,
  orderId: string,
  input: OrderItemInput,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    assertUuid(orderId, "orderId"),
    async (order, tx) => {
      assertUuid(input.variantId, "variantId");
      const [variant] = await findVariantPrices(tx, [input.variantId]);
      const tier = await tierFor(order, tx);
      try {
        return editing.addOrderItem(
          order,
          { lineId: newId(), variantId: input.variantId, quantity: input.quantity },
          variant,
          tier,
        );
      } catch (error) {
        throw withInputFieldNames(error);
      }
    },
    metadata,
  );

export const removeOrderItem = (
  deps: CommandDeps,
  orderId: string,
  lineId: string,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    assertUuid(orderId, "orderId"),
    (order) => editing.removeOrderItem(order, assertUuid(lineId, "lineId")),
    metadata,
  );

export const updateOrderItemQuantity = (
  deps: CommandDeps,
  orderId: string,
  lineId: string,
  quantity: number,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    assertUuid(orderId, "orderId"),
    (order) => editing.updateOrderItemQuantity(order, assertUuid(lineId, "lineId"), quantity),
    metadata,
  );

/** Applies a coupon from the fixed table (coupons.ts), resolved against the current subtotal. */
export const applyOrderCoupon = (
  deps: CommandDeps,
  orderId: string,
  code: string,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    assertUuid(orderId, "orderId"),
    (order) => editing.applyOrderCoupon(order, resolveCoupon(code, order.totals.subtotal)),
    metadata,
  );

const simple =
  (decide: (order: Order) => OrderDecision) =>
  (deps: CommandDeps, id: string, metadata: EventMetadata) =>
    changeOrder(deps, assertUuid(id), decide, metadata);

export const confirmOrder = simple(lifecycle.confirmOrder);
export const markOrderProcessing = simple(lifecycle.markOrderProcessing);
export const recordOrderDelivery = simple(lifecycle.recordOrderDelivery);
export const completeOrder = simple(lifecycle.completeOrder);
export const approveOrderReturn = simple(lifecycle.approveOrderReturn);
export const recordOrderReturn = simple(lifecycle.recordOrderReturn);

export const requestOrderReturn = (
  deps: CommandDeps,
  id: string,
  reason: string | null | undefined,
  metadata: EventMetadata,
) =>
  changeOrder(deps, assertUuid(id), (o) => lifecycle.requestOrderReturn(o, { reason }), metadata);

export const cancelOrder = (
  deps: CommandDeps,
  id: string,
  reason: string | null | undefined,
  metadata: EventMetadata,
) => changeOrder(deps, assertUuid(id), (o) => lifecycle.cancelOrder(o, { reason }), metadata);

export interface RecordShipmentInput {
  /** Client-chosen shipment id (UUID); recording it again is harmless. Generated when absent. */
  shipmentId?: string | null;
  /** The lines and units shipped; absent ships every unit not yet shipped. */
  lines?: Shipment["lines"] | null;
}

export const recordOrderShipment = (
  deps: CommandDeps,
  orderId: string,
  input: RecordShipmentInput | null | undefined,
  metadata: EventMetadata,
) => {
  const shipmentId = input?.shipmentId ?? newId();
  assertUuid(shipmentId, "shipmentId");
  return changeOrder(
    deps,
    assertUuid(orderId, "orderId"),
    (order) =>
      lifecycle.recordOrderShipment(order, { shipmentId, lines: input?.lines ?? undefined }),
    metadata,
  );
};
