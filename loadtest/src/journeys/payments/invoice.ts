import { type Journey, need, op, StepError, step } from "../../harness/journey.ts";
import { FINANCE, initiateStep, newOrderId } from "./payment-steps.ts";

const INVOICE = `query InvoiceState($id: ID!) { invoice(id: $id) { id status total { amount } } }`;

/**
 * Invoice: generate → issue → then either void it, or pay it (a payment of the total succeeds
 * and settlement marks the invoice PAID by itself).
 */
export const invoice = (): Journey => ({
  name: "payments.invoice",
  context: "payments",
  steps: [
    newOrderId,
    op<{ generateInvoice: { id: string; total: { amount: number } } }>(
      "GenerateInvoice",
      FINANCE,
      `mutation GenerateInvoice($orderId: ID!, $input: GenerateInvoiceInput!) { generateInvoice(orderId: $orderId, input: $input) { id status total { amount } } }`,
      (c) => ({
        orderId: need(c, "orderId"),
        input: {
          currency: "EUR",
          taxRateBps: 2000,
          lines: [
            { description: "Widget", quantity: 2, unitPrice: 1250 },
            { description: "Shipping", quantity: 1, unitPrice: 495 },
          ],
        },
      }),
      (d, c) => {
        c.state.invoiceId = d.generateInvoice.id;
        c.state.amount = d.generateInvoice.total.amount;
        c.state.void = c.random() < 0.5;
      },
    ),
    op(
      "IssueInvoice",
      FINANCE,
      `mutation IssueInvoice($id: ID!) { issueInvoice(id: $id) { id status } }`,
      (c) => ({ id: need(c, "invoiceId") }),
    ),
    step("VoidInvoice or pay", FINANCE, async (c) => {
      if (c.state.void) {
        await c.gql(
          "VoidInvoice",
          `mutation VoidInvoice($id: ID!) { voidInvoice(id: $id) { id status } }`,
          { id: need(c, "invoiceId") },
        );
        return;
      }
      await c.script({ orderId: need(c, "orderId") }, [{ outcome: "succeed" }]);
      await initiateStep.run(c);
      const inv = await c.until(
        "invoice to be PAID",
        async () =>
          (
            await c.gql<{ invoice: { status: string } | null }>("InvoiceState", INVOICE, {
              id: need(c, "invoiceId"),
            })
          ).invoice,
        (i) => i?.status === "PAID",
      );
      if (!inv) throw new StepError("NOT_FOUND", "invoice not readable");
    }),
  ],
});
