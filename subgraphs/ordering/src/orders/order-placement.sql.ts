import type { DomainEvent } from "@shopstream/outbox";
import type pg from "pg";
import type { CustomerView } from "../customers/customer-view.ts";
import type { VariantPrice } from "../pricing/price-view.ts";
import type { Order } from "./order.ts";

/**
 * `placeOrder`'s database work as two SQL statements on ordering's pg pool (the connections
 * under its Prisma client, `sqlPoolOf`), each a named prepared statement and one round trip:
 *
 * 1. `readPlacementInputs`: the customer's view row and the requested variants' prices with their
 *    product's status — what `findCustomerView` and `findVariantPrices` read through Prisma.
 * 2. `insertPlacedOrder`: the order, its lines, its events in the outbox and its history
 *    (`order_event`) in one INSERT … WITH statement.
 *
 * Why not Prisma's interactive transaction (`createAggregate`): it cost BEGIN, three reads, four
 * inserts and COMMIT — nine round trips, each through Prisma's query compiler and interpreter,
 * with a pooled connection held across all of them. The profile of `pnpm bench:orders` showed
 * the ordering subgraph at 100 % of a core, two thirds of it in Prisma's client. One statement
 * is atomic on its own (all of it commits or none: nothing half-written, and a unique
 * violation on the idempotency key or cart rejects the whole of it), and holds a connection only
 * while PostgreSQL runs it. Reading the views outside the write changes nothing: under READ
 * COMMITTED the transaction's reads took no locks either, so a view row could change just after
 * them as it can now. A placement's events are never checkout steps, so no `checkout_saga` row is
 * written (see `recordOrderEvents`; `placement writes no saga step` tests it).
 */

const READ_INPUTS = `
SELECT
  (SELECT json_build_object('customerId', c.customer_id, 'status', c.status, 'tier', c.tier,
                            'version', c.version)
     FROM customer_view c WHERE c.customer_id = $1::uuid) AS customer,
  (SELECT coalesce(json_agg(json_build_object(
            'variantId', v.variant_id, 'productId', v.product_id, 'variantSku', v.variant_sku,
            'price', json_build_object('amount', v.amount, 'currency', v.currency),
            'tierPrices', v.tier_prices,
            'productStatus', coalesce(s.status, v.initial_product_status))), '[]'::json)
     FROM variant_price_view v
     LEFT JOIN product_status_view s ON s.product_id = v.product_id
    WHERE v.variant_id = ANY($2::uuid[])) AS variants`;

/** The customer (null when ordering has not heard of them yet) and the variants' prices. */
export async function readPlacementInputs(
  pool: pg.Pool,
  customerId: string,
  variantIds: string[],
): Promise<{ customer: CustomerView | null; variants: VariantPrice[] }> {
  const { rows } = await pool.query<{ customer: CustomerView | null; variants: VariantPrice[] }>(
    { name: "ordering.place-order.read", text: READ_INPUTS },
    [customerId, variantIds],
  );
  const row = rows[0];
  return { customer: row?.customer ?? null, variants: row?.variants ?? [] };
}

const INSERT_ORDER = `
WITH new_order AS (
  INSERT INTO "order" (id, customer_id, idempotency_key, placement_fingerprint, customer_tier,
                       cart_id, status, currency, subtotal_amount, shipping_amount, tax_amount,
                       discount_amount, total_amount, coupon_code, coupon_amount, shipments,
                       payment_captured, version, created_at, updated_at)
  VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::uuid, $7::"OrderStatus", $8, $9, $10, $11, $12, $13,
          $14, $15, $16::jsonb, $17, $18, $19, $19)
  RETURNING id
), lines AS (
  INSERT INTO order_line (id, order_id, variant_id, quantity, unit_price_amount, discount_amount,
                          position)
  SELECT l.id, o.id, l.variant_id, l.quantity, l.unit_price, l.discount, l.position
    FROM new_order o,
         jsonb_to_recordset($20::jsonb)
           AS l(id uuid, variant_id uuid, quantity int, unit_price int, discount int, position int)
), events AS (
  SELECT e.* FROM new_order o,
         jsonb_to_recordset($21::jsonb)
           AS e(id uuid, type text, schema_version int, aggregate_type text, aggregate_id text,
                aggregate_version int, occurred_at timestamptz, payload jsonb, metadata jsonb)
), outbox_rows AS (
  INSERT INTO outbox (event_id, event_type, schema_version, aggregate_type, aggregate_id,
                      aggregate_version, occurred_at, payload, metadata)
  SELECT id, type, schema_version, aggregate_type, aggregate_id, aggregate_version, occurred_at,
         payload, metadata
    FROM events
), history AS (
  INSERT INTO order_event (event_id, order_id, type, version, occurred_at, payload, actor)
  SELECT id, aggregate_id::uuid, type, aggregate_version, occurred_at, payload,
         metadata->>'actor'
    FROM events WHERE aggregate_type = 'Order'
)
SELECT id FROM new_order`;

/**
 * Writes a new order, its lines and its events (outbox and history) in one statement. Throws the
 * driver's error on a unique violation (idempotency key, cart id): nothing is written then.
 */
export async function insertPlacedOrder(
  pool: pg.Pool,
  order: Order,
  events: DomainEvent[],
  now: Date,
): Promise<void> {
  await pool.query({
    name: "ordering.place-order.insert",
    text: INSERT_ORDER,
    values: [
      order.id,
      order.customerId,
      order.idempotencyKey,
      order.placementFingerprint,
      order.customerTier,
      order.cartId,
      order.status,
      order.currency,
      order.totals.subtotal,
      order.totals.shipping,
      order.totals.tax,
      order.totals.discount,
      order.totals.grandTotal,
      order.coupon?.code ?? null,
      order.coupon?.amount ?? null,
      JSON.stringify(order.shipments),
      order.paymentCaptured,
      order.version,
      now,
      JSON.stringify(
        order.lines.map((l, position) => ({
          id: l.id,
          variant_id: l.variantId,
          quantity: l.quantity,
          unit_price: l.unitPrice,
          discount: l.discount,
          position,
        })),
      ),
      JSON.stringify(
        events.map((e) => ({
          id: e.id,
          type: e.type,
          schema_version: e.schemaVersion,
          aggregate_type: e.aggregateType,
          aggregate_id: e.aggregateId,
          aggregate_version: e.aggregateVersion,
          occurred_at: e.occurredAt,
          payload: e.payload,
          metadata: e.metadata,
        })),
      ),
    ],
  });
}
