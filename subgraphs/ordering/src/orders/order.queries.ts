import { type Connection, toConnection } from "@shopstream/connection";
import { byIdLoader } from "@shopstream/service";
import DataLoader from "dataloader";
import { cartLoaders } from "../carts/cart.queries.ts";
import type { OrderingDb } from "../db.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import {
  type OrdersArgs,
  type OrdersQuery,
  orderCursor,
  parseOrdersArgs,
} from "./order-listing.ts";
import type { OrderStatus } from "./order-status.ts";

/**
 * Per-request loaders of the ordering context (orders here, carts from their own queries file):
 * every nested look-up of one request becomes one query per kind.
 */
export function createOrderingLoaders(db: OrderingDb) {
  return {
    order: byIdLoader((ids) => db.order.findMany({ where: { id: { in: ids } } })),
    linesByOrder: byIdLoader(
      (ids) =>
        db.orderLine.findMany({ where: { orderId: { in: ids } }, orderBy: { position: "asc" } }),
      { many: (l) => l.orderId },
    ),
    timelineByOrder: byIdLoader(
      (ids) =>
        db.orderEvent.findMany({
          where: { orderId: { in: ids } },
          orderBy: [{ orderId: "asc" }, { version: "asc" }],
        }),
      { many: (e) => e.orderId },
    ),
    /** The stored checkout saga state (`checkout_saga`) by order id: at most one row each. */
    checkoutSaga: byIdLoader(
      (ids) => db.checkoutSaga.findMany({ where: { orderId: { in: ids } } }),
      { many: (r) => r.orderId },
    ),
    ...cartLoaders(db),
    /** `Customer.orders` for many customers (a list of customers through the gateway). */
    ordersOfCustomer: createCustomerOrdersLoader(db),
  };
}

export type OrderingLoaders = ReturnType<typeof createOrderingLoaders>;

type OrderRow = Awaited<ReturnType<OrderingDb["order"]["findMany"]>>[number];

/**
 * Batches first pages of `Customer.orders`: one window-function query finds the first `first + 1`
 * order ids and the total of every asked customer (per status filter and page size), one more
 * loads those rows. A page after a cursor is rare in a nested list and is read on its own.
 */
function createCustomerOrdersLoader(db: OrderingDb) {
  type Conn = Connection<OrderRow>;
  return new DataLoader<OrdersQuery & { customerId: string }, Conn, string>(
    async (queries) => {
      const results = new Map<string, Conn>();
      const groups = new Map<string, (OrdersQuery & { customerId: string })[]>();
      for (const q of queries) {
        if (q.after !== null) {
          results.set(JSON.stringify(q), await ordersPage(db, q));
          continue;
        }
        const key = `${q.status ?? ""}|${q.first}`;
        groups.set(key, [...(groups.get(key) ?? []), q]);
      }
      for (const group of groups.values()) {
        const { status, first } = group[0]!;
        const ids = [...new Set(group.map((q) => q.customerId))];
        const ranked = await db.$queryRaw<{ id: string; customer_id: string; total: bigint }[]>`
          SELECT id, customer_id, total FROM (
            SELECT id, customer_id,
                   row_number() OVER (PARTITION BY customer_id ORDER BY created_at DESC, id DESC) AS rn,
                   count(*) OVER (PARTITION BY customer_id) AS total
            FROM "order"
            WHERE customer_id = ANY(${ids}::uuid[])
              AND (${status}::text IS NULL OR status::text = ${status}::text)
          ) t WHERE rn <= ${first + 1}`;
        const rows = ranked.length
          ? await db.order.findMany({
              where: { id: { in: ranked.map((r) => r.id) } },
              orderBy: [{ createdAt: "desc" }, { id: "desc" }],
            })
          : [];
        for (const q of group) {
          const mine = rows.filter((r) => r.customerId === q.customerId);
          const total = Number(ranked.find((r) => r.customer_id === q.customerId)?.total ?? 0);
          results.set(JSON.stringify(q), toConnection(mine, q, orderCursor, total));
        }
      }
      return queries.map((q) => results.get(JSON.stringify(q))!);
    },
    { cacheKeyFn: (q) => JSON.stringify(q) },
  );
}

/**
 * Whose orders a caller may list: every customer's (`all`), or one customer's (`customerId`,
 * null: nobody's), as `ownershipScope` answers for the row of `Query.orders`.
 */
export type OrdersScope = { all: true } | { all: false; customerId: string | null };

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** An empty page: what an unknown customer's list is, and what another customer's list reads. */
const noOrders = (q: OrdersQuery): Connection<OrderRow> =>
  toConnection<OrderRow>([], q, orderCursor, 0);

/**
 * `Customer.orders`: validated here, batched across customers by the request's loader. Outside
 * the caller's scope (another customer's record reached through an order or cart) it is empty,
 * as an unknown customer's is.
 */
export function customerOrders(
  loaders: { ordersOfCustomer: ReturnType<typeof createCustomerOrdersLoader> },
  customerId: string,
  args: { status?: OrderStatus | null; first?: number | null; after?: string | null },
  scope: OrdersScope = { all: true },
) {
  const q = parseOrdersArgs({
    filter: { customerId, status: args.status },
    first: args.first,
    after: args.after,
  });
  if (!scope.all && (scope.customerId === null || !sameId(scope.customerId, customerId)))
    return noOrders(q);
  return loaders.ordersOfCustomer.load({ ...q, customerId });
}

/**
 * `orders(filter, first, after)`: newest first, keyset-paged, with the filtered total. A caller
 * limited to one customer's orders gets theirs; a `filter.customerId` naming someone else reads
 * as an unknown customer's (empty), arguments validated first so the errors are the same.
 */
export function listOrders(db: OrderingDb, args: OrdersArgs, scope: OrdersScope = { all: true }) {
  const q = parseOrdersArgs(args);
  if (scope.all) return ordersPage(db, q);
  if (scope.customerId === null) return Promise.resolve(noOrders(q));
  if (q.customerId !== null && !sameId(q.customerId, scope.customerId))
    return Promise.resolve(noOrders(q));
  return ordersPage(db, { ...q, customerId: scope.customerId });
}

async function ordersPage(db: OrderingDb, q: OrdersQuery): Promise<Connection<OrderRow>> {
  const where: Prisma.OrderWhereInput = {
    ...(q.customerId ? { customerId: q.customerId } : {}),
    ...(q.status ? { status: q.status } : {}),
  };
  const after = q.after && { createdAt: new Date(q.after.at), id: q.after.id };
  const page: Prisma.OrderWhereInput = after
    ? {
        AND: [
          where,
          {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          },
        ],
      }
    : where;
  const [rows, totalCount] = await Promise.all([
    db.order.findMany({
      where: page,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: q.first + 1,
    }),
    db.order.count({ where }),
  ]);
  // One row more than the page: it only says that a next page exists.
  return toConnection(rows, q, orderCursor, totalCount);
}
