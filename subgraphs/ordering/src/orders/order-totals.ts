import { DomainError } from "@shopstream/errors";
import type { Coupon, OrderLine, OrderTotals } from "./order.ts";

/** An order's money, in integer minor units of its one currency (docs/ordering.md, "Totals"). */

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

export const lineTotal = (line: Pick<OrderLine, "unitPrice" | "quantity" | "discount">) =>
  line.unitPrice * line.quantity - line.discount;

/**
 * The order's totals, integers only. Throws VALIDATION_FAILED when an amount leaves the safe
 * integer range (a float never gets this far: inputs are checked to be safe integers).
 */
export function orderTotals(
  lines: OrderLine[],
  coupon: Coupon | null,
  shipping: number,
  tax: number,
): OrderTotals {
  const subtotal = sum(lines.map(lineTotal));
  const discount = Math.min(coupon?.amount ?? 0, subtotal);
  const totals = {
    subtotal,
    shipping,
    tax,
    discount,
    grandTotal: subtotal + shipping + tax - discount,
  };
  for (const [name, value] of Object.entries(totals)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw DomainError.validation([
        { field: "lines", message: `the order's ${name} (${value}) is not a representable amount` },
      ]);
    }
  }
  return totals;
}
