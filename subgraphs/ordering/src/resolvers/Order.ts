import type { OrderingContext } from "../context.ts";

interface OrderRow {
  id: string;
  customerId: string;
  currency: string;
  subtotalAmount: number;
  shippingAmount: number;
  taxAmount: number;
  discountAmount: number;
  totalAmount: number;
}

const money = (amount: number, currency: string) => ({ amount, currency });

export const Order = {
  __resolveReference: (ref: { id: string }, ctx: OrderingContext) => ctx.loaders.order.load(ref.id),
  customer: (o: OrderRow) => ({ __typename: "Customer", id: o.customerId }),
  lines: (o: OrderRow, _: unknown, ctx: OrderingContext) =>
    ctx.loaders.linesByOrder
      .load(o.id)
      .then((lines) => lines.map((l) => ({ ...l, currency: o.currency }))),
  subtotal: (o: OrderRow) => money(o.subtotalAmount, o.currency),
  shipping: (o: OrderRow) => money(o.shippingAmount, o.currency),
  tax: (o: OrderRow) => money(o.taxAmount, o.currency),
  discount: (o: OrderRow) => money(o.discountAmount, o.currency),
  grandTotal: (o: OrderRow) => money(o.totalAmount, o.currency),
};
