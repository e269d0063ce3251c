import { attachSqlPool, createPgAdapter, createPgPool } from "@shopstream/db";
import {
  InventoryPrismaClient,
  createContext as inventoryContext,
  createServer as inventoryServer,
} from "@shopstream/inventory";
import {
  OrderingPrismaClient,
  createContext as orderingContext,
  createServer as orderingServer,
} from "@shopstream/ordering";
import { prisma as orderingSeeds, seedCustomer, seedVariant } from "@shopstream/ordering/harness";
import { defaultMetadata } from "@shopstream/outbox";
import {
  applyProviderReport,
  PaymentsPrismaClient,
  createContext as paymentsContext,
  createServer as paymentsServer,
} from "@shopstream/payments";
import { testDatabaseUrl, unique } from "@shopstream/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inBatches } from "./in-batches.ts";
import { type InProcessSupergraph, logger, startSupergraph } from "./in-process-supergraph.ts";

// A page of orders with what payments (payments with their refunds, the open invoice) and
// inventory (reservations with their stock items) add to each order. Counts the SQL statements
// each subgraph sends for pages of 10 and 50 orders: DataLoader batching must keep them constant.

const counts = { ordering: 0, payments: 0, inventory: 0 };
const log = [{ emit: "event" as const, level: "query" as const }];
// placeOrder runs its statements on the client's pg pool (sqlPoolOf): attached as the factory does.
const orderingPool = createPgPool(testDatabaseUrl("ordering"));
const ordering = attachSqlPool(
  new OrderingPrismaClient({ adapter: createPgAdapter(orderingPool), log }),
  orderingPool,
);
const payments = new PaymentsPrismaClient({
  adapter: createPgAdapter(testDatabaseUrl("payments")),
  log,
});
const inventory = new InventoryPrismaClient({
  adapter: createPgAdapter(testDatabaseUrl("inventory")),
  log,
});
ordering.$on("query", () => void counts.ordering++);
payments.$on("query", () => void counts.payments++);
inventory.$on("query", () => void counts.inventory++);

let supergraph: InProcessSupergraph;
const run = <T>(query: string, variables: Record<string, unknown> = {}) =>
  supergraph.run<T>(query, variables);
let customerId = "";

beforeAll(async () => {
  supergraph = await startSupergraph({
    ordering: { apollo: orderingServer(logger), context: (b) => orderingContext(ordering, b) },
    payments: { apollo: paymentsServer(logger), context: (b) => paymentsContext(payments, b) },
    inventory: {
      apollo: inventoryServer(logger),
      context: (b) => inventoryContext({ prisma: inventory }, b),
    },
  });

  // 50 orders of one customer of this test's own. Each has a payment (every other one captured,
  // with a refund), an invoice and a reservation on a stock item in this test's own warehouse.
  customerId = await seedCustomer();
  const variantId = await seedVariant(1_500);
  const { createWarehouse } = await run<{ createWarehouse: { id: string } }>(
    `mutation($input: CreateWarehouseInput!) { createWarehouse(input: $input) { id } }`,
    {
      input: {
        name: unique("order-batching"),
        address: { street: "1 Test St", city: "Testville", postalCode: "T1", country: "GB" },
      },
    },
  );
  const { initializeStock } = await run<{ initializeStock: { id: string } }>(
    `mutation($input: InitializeStockInput!) { initializeStock(input: $input) { id } }`,
    { input: { variantId, warehouseId: createWarehouse.id } },
  );
  await run(`mutation($id: ID!) { receiveStock(stockItemId: $id, quantity: 100) { id } }`, {
    id: initializeStock.id,
  });
  await inBatches(
    Array.from({ length: 50 }, (_, i) => i),
    10,
    async (i) => {
      const { placeOrder: order } = await run<{ placeOrder: { id: string } }>(
        `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
        { input: { customerId, lines: [{ variantId, quantity: 1 }] } },
      );
      const { initiatePayment: payment } = await run<{ initiatePayment: { id: string } }>(
        `mutation($input: InitiatePaymentInput!) { initiatePayment(input: $input) { id } }`,
        {
          input: {
            orderId: order.id,
            amount: { amount: 1_500, currency: "EUR" },
            idempotencyKey: unique("batch-pay"),
          },
        },
      );
      if (i % 2 === 0) {
        await applyProviderReport(
          { prisma: payments },
          unique("wh"),
          { type: "payment.succeeded", paymentId: payment.id, attempt: 1 },
          defaultMetadata(),
        );
        await run(
          `mutation($id: ID!) { requestRefund(paymentId: $id, input: { amount: 100 }) { id } }`,
          { id: payment.id },
        );
      }
      await run(
        `mutation($id: ID!, $input: GenerateInvoiceInput!) { generateInvoice(orderId: $id, input: $input) { id } }`,
        {
          id: order.id,
          input: {
            currency: "EUR",
            lines: [{ description: "Mug", quantity: 1, unitPrice: 1_500 }],
          },
        },
      );
      await run(`mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id } }`, {
        input: { stockItemId: initializeStock.id, quantity: 1, orderId: order.id },
      });
    },
  );
}, 120_000);

afterAll(async () => {
  await supergraph?.stop();
  await Promise.all([
    ordering.$disconnect(),
    payments.$disconnect(),
    inventory.$disconnect(),
    orderingSeeds.$disconnect(),
  ]);
});

const PAGE = `query($customerId: ID!, $first: Int!) {
  orders(filter: { customerId: $customerId }, first: $first) {
    totalCount
    edges { node {
      id
      payments { id status amount { amount } captured { amount } refunds { status amount { amount } } }
      invoice { number status total { amount } }
      reservations { status quantity stockItem { id onHand reserved available } }
    } }
  }
}`;

interface Page {
  orders: {
    totalCount: number;
    edges: {
      node: {
        payments: { status: string; refunds: { amount: { amount: number } }[] }[];
        invoice: { number: string; total: { amount: number } } | null;
        reservations: { quantity: number; stockItem: { onHand: number } }[];
      };
    }[];
  };
}

async function countedPage(first: number) {
  counts.ordering = 0;
  counts.payments = 0;
  counts.inventory = 0;
  const page = await run<Page>(PAGE, { customerId, first });
  return { page, ...counts };
}

describe("federated batching (gateway → ordering → payments, inventory)", () => {
  it("answers 50 orders with payments, refunds, invoice and reservations in as many SQL statements as 10", async () => {
    const ten = await countedPage(10);
    const fifty = await countedPage(50);
    console.log(
      `SQL statements — 10 orders: ordering ${ten.ordering}, payments ${ten.payments}, inventory ${ten.inventory}; ` +
        `50 orders: ordering ${fifty.ordering}, payments ${fifty.payments}, inventory ${fifty.inventory}`,
    );
    expect(ten.page.orders.edges).toHaveLength(10);
    const nodes = fifty.page.orders.edges.map((e) => e.node);
    expect(nodes).toHaveLength(50);
    // Every order's fields resolved (so the counts below cover real work, not empty lists).
    expect(nodes.every((n) => n.payments.length === 1)).toBe(true);
    expect(nodes.filter((n) => n.payments[0]!.status === "SUCCEEDED")).toHaveLength(25);
    expect(nodes.flatMap((n) => n.payments[0]!.refunds)).toHaveLength(25);
    expect(nodes.every((n) => n.invoice?.total.amount === 1_500)).toBe(true);
    expect(nodes.every((n) => n.reservations.length === 1)).toBe(true);
    expect(nodes.every((n) => n.reservations[0]!.stockItem.onHand === 100)).toBe(true);

    expect(fifty.payments).toBe(ten.payments);
    expect(fifty.inventory).toBe(ten.inventory);
    expect(fifty.ordering).toBe(ten.ordering);
    // payments: payments by order, refunds by payment, open invoice by order; inventory:
    // reservations by order, stock items by id.
    expect(fifty.payments).toBeLessThanOrEqual(3);
    expect(fifty.inventory).toBeLessThanOrEqual(2);
  });
});
