import { changeAggregate, type Decide } from "@shopstream/commands";
import { DomainError, type FieldError } from "@shopstream/errors";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { OrderingDeps } from "../context.ts";
import { findCustomerView } from "../customers/customer-view.repository.ts";
import type { OrderingDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { findVariantPrices } from "../pricing/price-view.repository.ts";
import { resolveCoupon } from "./coupons.ts";
import { orderStore } from "./order.repository.ts";
import type { Order, Shipment } from "./order.ts";
import type { OrderDecision } from "./order-events.ts";
import * as lifecycle from "./order-lifecycle.ts";
import * as editing from "./order-lines.ts";
import { recordOrderShipment as decideShipment } from "./order-shipments.ts";

/**
 * The commands on an existing order, each one `changeAggregate` with the order store: load,
 * decide (pure), save guarded by the loaded version with the events in the outbox, the order's
 * history and the checkout saga's state, in one transaction; CONFLICT when another change
 * committed first. docs/ordering.md lists what each one answers.
 */

/** One change of an order through the shared write path; `idField` names the id's argument. */
const changeOrder = (
  deps: OrderingDeps,
  orderId: string,
  decide: Decide<Order, Prisma.TransactionClient>,
  metadata: EventMetadata,
  idField = "orderId",
) => changeAggregate(deps, orderStore, assertUuid(orderId, idField), decide, metadata);

/** The tier to price a new line for: the customer's current tier, else the one at placement. */
async function tierFor(order: Order, db: OrderingDb) {
  return (await findCustomerView(db, order.customerId))?.tier ?? order.customerTier;
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

export interface OrderItemInput {
  variantId: string;
  quantity: number;
}

export const addOrderItem = (
  deps: OrderingDeps,
  orderId: string,
  input: OrderItemInput,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    orderId,
    async (order, { tx }) => {
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
  deps: OrderingDeps,
  orderId: string,
  lineId: string,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    orderId,
    (order) => editing.removeOrderItem(order, assertUuid(lineId, "lineId")),
    metadata,
  );

export const updateOrderItemQuantity = (
  deps: OrderingDeps,
  orderId: string,
  lineId: string,
  quantity: number,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    orderId,
    (order) => editing.updateOrderItemQuantity(order, assertUuid(lineId, "lineId"), quantity),
    metadata,
  );

/** Applies a coupon from the fixed table (coupons.ts), resolved against the current subtotal. */
export const applyOrderCoupon = (
  deps: OrderingDeps,
  orderId: string,
  code: string,
  metadata: EventMetadata,
) =>
  changeOrder(
    deps,
    orderId,
    (order) => editing.applyOrderCoupon(order, resolveCoupon(code, order.totals.subtotal)),
    metadata,
  );

/** A status move that takes nothing but the order (its argument is named `id`). */
const move =
  (decide: (order: Order) => OrderDecision) =>
  (deps: OrderingDeps, id: string, metadata: EventMetadata) =>
    changeOrder(deps, id, (order) => decide(order), metadata, "id");

export const confirmOrder = move(lifecycle.confirmOrder);
export const markOrderProcessing = move(lifecycle.markOrderProcessing);
export const recordOrderDelivery = move(lifecycle.recordOrderDelivery);
export const completeOrder = move(lifecycle.completeOrder);
export const approveOrderReturn = move(lifecycle.approveOrderReturn);
export const recordOrderReturn = move(lifecycle.recordOrderReturn);

/** A status move with an optional free-text reason (at most 500 characters). */
const moveWithReason =
  (decide: (order: Order, request: { reason?: string | null }) => OrderDecision) =>
  (deps: OrderingDeps, id: string, reason: string | null | undefined, metadata: EventMetadata) =>
    changeOrder(deps, id, (order) => decide(order, { reason }), metadata, "id");

export const requestOrderReturn = moveWithReason(lifecycle.requestOrderReturn);
export const cancelOrder = moveWithReason(lifecycle.cancelOrder);

export interface RecordShipmentInput {
  /** Client-chosen shipment id (UUID); recording it again is harmless. Generated when absent. */
  shipmentId?: string | null;
  /** The lines and units shipped; absent ships every unit not yet shipped. */
  lines?: Shipment["lines"] | null;
}

export const recordOrderShipment = (
  deps: OrderingDeps,
  orderId: string,
  input: RecordShipmentInput | null | undefined,
  metadata: EventMetadata,
) => {
  const shipmentId = input?.shipmentId ?? newId();
  assertUuid(shipmentId, "shipmentId");
  return changeOrder(
    deps,
    orderId,
    (order) => decideShipment(order, { shipmentId, lines: input?.lines ?? undefined }),
    metadata,
  );
};
