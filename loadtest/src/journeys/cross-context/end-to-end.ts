import { EACH_CALL, type Journey, need, op, step, theCustomer } from "../../harness/journey.ts";
import {
  activeProduct,
  CATALOGUE,
  createWarehouse,
  INVENTORY,
  registerCustomer,
  stockItem,
} from "../fixture.ts";
import {
  awaitPaid,
  completeStep,
  confirmStep,
  deliverStep,
  processingStep,
  shipStep,
} from "../ordering/lifecycle-steps.ts";
import { placeOrder, readOrder } from "../orders.ts";
import { FINANCE } from "../payments/payment-steps.ts";

/**
 * End to end, every context: register, build a product, stock it, order, the saga to PAID, ship,
 * deliver, invoice (paid by the captured payment), complete — well over 15 events.
 */
export const endToEnd = (): Journey => ({
  name: "cross-context.end-to-end",
  context: "cross-context",
  steps: [
    step("RegisterCustomer", EACH_CALL, async (c) => {
      const { customerId, externalId } = await registerCustomer(c);
      c.state.customerId = customerId;
      c.state.externalId = externalId;
    }),
    step("build product", CATALOGUE, async (c) => {
      const p = await activeProduct(c, 2, 2500);
      c.state.variantIds = p.variantIds;
    }),
    step("stock", INVENTORY, async (c) => {
      const wh = await createWarehouse(c);
      for (const v of need<string[]>(c, "variantIds")) await stockItem(c, v, wh, 20);
    }),
    step("PlaceOrder", theCustomer, async (c) => {
      const lines = need<string[]>(c, "variantIds").map((variantId) => ({
        variantId,
        quantity: 1,
      }));
      const o = await placeOrder(c, need(c, "customerId"), lines);
      c.state.orderId = o.id;
      c.state.total = o.grandTotal.amount;
    }),
    confirmStep,
    awaitPaid,
    processingStep,
    shipStep,
    deliverStep,
    op<{ generateInvoice: { id: string } }>(
      "GenerateInvoice",
      FINANCE,
      `mutation GenerateInvoice($orderId: ID!, $input: GenerateInvoiceInput!) { generateInvoice(orderId: $orderId, input: $input) { id } }`,
      (c) => ({
        orderId: need(c, "orderId"),
        input: {
          currency: "EUR",
          lines: [{ description: "Order", quantity: 1, unitPrice: need<number>(c, "total") }],
        },
      }),
      (d, c) => {
        c.state.invoiceId = d.generateInvoice.id;
      },
    ),
    op(
      "IssueInvoice",
      FINANCE,
      `mutation IssueInvoice($id: ID!) { issueInvoice(id: $id) { id status } }`,
      (c) => ({ id: need(c, "invoiceId") }),
    ),
    step("await invoice PAID", theCustomer, async (c) => {
      await c.until(
        "invoice to be PAID",
        async () =>
          (
            await c.gql<{ invoice: { status: string } | null }>(
              "InvoiceState",
              `query InvoiceState($id: ID!) { invoice(id: $id) { id status } }`,
              {
                id: need(c, "invoiceId"),
              },
            )
          ).invoice?.status,
        (s) => s === "PAID",
      );
    }),
    completeStep,
    step("await reservations COMMITTED", theCustomer, async (c) => {
      // Inventory commits the reservations on the shipment's event, on its own time.
      await c.until(
        "the reservations to be committed",
        () => readOrder(c, need(c, "orderId")),
        (o) => o.reservations.length > 0 && o.reservations.every((r) => r.status === "COMMITTED"),
      );
    }),
  ],
});
