import { defineConsumer, type EventHandler, parsePayload } from "@shopstream/events";
import { byIdLoader, mayReachOwned, type OwnerLookups } from "@shopstream/service";
import type DataLoader from "dataloader";
import { z } from "zod";
import type { PaymentsContext, PaymentsTx } from "../context.ts";
import type { PaymentsDb, PaymentsPrisma } from "../db.ts";
import { uuid } from "../shared/payloads.ts";

/*
 * Who owns each order, as payments knows it. The owning context is ordering; payments holds only
 * order ids, so it learns each order's customer from ordering's OrderPlaced (`order_owners`),
 * and a payment's or invoice's owner is its order's customer. An order payments has not heard of
 * yet is nobody's for a customer (fail closed): its payments and invoice are not shown to them,
 * and they cannot start a payment for it, until the OrderPlaced arrives (staff are not bound).
 */

const NAME = "payments.order-owners";

const orderPlaced = z.object({ orderId: uuid, customerId: uuid });

/**
 * Records the customer of every order ordering places. An order's customer never changes, so the
 * first OrderPlaced is the answer; a redelivery writes nothing new.
 */
export function createOrderOwnersConsumer(prisma: PaymentsPrisma) {
  const record: EventHandler<PaymentsTx> = async (e, tx) => {
    const { orderId, customerId } = parsePayload(orderPlaced, e);
    await tx.$executeRaw`
      INSERT INTO order_owners (order_id, customer_id) VALUES (${orderId}::uuid, ${customerId}::uuid)
      ON CONFLICT (order_id) DO NOTHING`;
  };
  return defineConsumer<PaymentsTx>({
    name: NAME,
    source: "ordering",
    aggregateTypes: ["Order"],
    handlers: { OrderPlaced: record },
    transaction: (fn) => prisma.$transaction(fn),
    client: prisma,
  });
}

/** Per-request loaders of owners: an order's, and a payment's or invoice's (its order's). */
export function createOwnerLoaders(db: PaymentsDb) {
  const ownersOf = (table: "payment" | "invoice") => (ids: string[]) =>
    // One query for a batch: the rows with their order's customer (null while unknown).
    db.$queryRawUnsafe<{ id: string; customerId: string | null }[]>(
      `SELECT t.id::text AS id, o.customer_id::text AS "customerId"
         FROM ${table} t LEFT JOIN order_owners o ON o.order_id = t.order_id
        WHERE t.id = ANY($1::uuid[])`,
      ids,
    );
  return {
    orderOwner: byIdLoader(async (ids) =>
      (await db.orderOwner.findMany({ where: { orderId: { in: ids } } })).map((r) => ({
        id: r.orderId,
        customerId: r.customerId,
      })),
    ),
    paymentOwner: byIdLoader(ownersOf("payment")),
    invoiceOwner: byIdLoader(ownersOf("invoice")),
  };
}

type OwnerLoader = DataLoader<string, { customerId: string | null } | null>;

/** The owners found by `loader` for `ids`, keyed by the ids as asked (missing ones absent). */
async function ownersOf(ids: readonly string[], loader: OwnerLoader) {
  const rows = await loader.loadMany(ids);
  const owners = new Map<string, { customerId: string | null }>();
  ids.forEach((id, i) => {
    const row = rows[i];
    // A failed look-up must not read as "missing": the resolver would then run unchecked.
    if (row instanceof Error) throw row;
    if (row) owners.set(id, { customerId: row.customerId });
  });
  return owners;
}

/**
 * The policy table's look-ups. A payment or invoice whose order's OrderPlaced is still on its way
 * has a null owner: no customer owns it yet, so it is answered as a missing one.
 *
 * Orders are different: ordering owns them, and payments cannot tell an order that exists from
 * one that does not (any id is an order with no payments yet). So every order is "missing" to the
 * table, and the fields that take an order narrow themselves with `mayReachOrder`: for a customer
 * who does not own it — another customer's, one payments has not heard of yet, or none at all —
 * an order has no payments and no invoice, and `initiatePayment` answers NOT_FOUND. Another
 * customer's order therefore gets exactly what an unknown id gets. (Answering another customer's
 * known order as "not owned" would make it null, unlike an unknown one, which would tell them
 * apart.)
 */
export const paymentsOwners: OwnerLookups<PaymentsContext> = {
  Order: async () => new Map(),
  Payment: (ids, ctx) => ownersOf(ids, ctx.loaders.paymentOwner),
  Invoice: (ids, ctx) => ownersOf(ids, ctx.loaders.invoiceOwner),
};

/**
 * Whether the caller may reach the order `orderId` under the row at `coordinate` (staff by their
 * role; a customer only an order payments knows to be theirs).
 */
export async function mayReachOrder(
  ctx: PaymentsContext,
  coordinate: string,
  orderId: string,
): Promise<boolean> {
  return mayReachOwned(ctx, coordinate, () => ctx.loaders.orderOwner.load(orderId));
}
