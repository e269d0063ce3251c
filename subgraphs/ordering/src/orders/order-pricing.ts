import type { FieldError } from "@shopstream/errors";
import { isOrderable, type Tier, unitPriceFor, type VariantPrice } from "../pricing/price-view.ts";
import type { OrderLine } from "./order.ts";
import { amountProblem, quantityProblem } from "./order-rules.ts";

/** Pricing a requested line from the price view: never from the client (docs/ordering.md). */

export interface LineRequest {
  lineId: string;
  variantId: string;
  quantity: number;
  /** A line discount decided server-side (e.g. a promotion); 0 when absent. */
  discount?: number;
}

/**
 * Prices one requested line for the customer's tier. Reports every problem of the line under
 * `prefix` (e.g. `lines.0`); returns the line when there are none.
 */
export function priceLine(
  request: LineRequest,
  variant: VariantPrice | undefined,
  tier: Tier,
  currency: string | null,
  prefix: string,
): { line: OrderLine | null; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const quantityIssue = quantityProblem(request.quantity);
  if (quantityIssue) problems.push({ field: `${prefix}.quantity`, message: quantityIssue });
  if (!variant) {
    problems.push({ field: `${prefix}.variantId`, message: "is not a known product variant" });
    return { line: null, problems };
  }
  if (!isOrderable(variant)) {
    problems.push({
      field: `${prefix}.variantId`,
      message: `cannot be ordered: its product is ${variant.productStatus}`,
    });
  }
  const price = unitPriceFor(variant, tier);
  if (currency !== null && price.currency !== currency) {
    problems.push({
      field: `${prefix}.variantId`,
      message: `is priced in ${price.currency}, but the order is in ${currency}`,
    });
  }
  const discount = request.discount ?? 0;
  const discountIssue = amountProblem(discount);
  if (discountIssue) problems.push({ field: `${prefix}.discount`, message: discountIssue });
  else if (!quantityIssue && discount > price.amount * request.quantity) {
    problems.push({ field: `${prefix}.discount`, message: "must not exceed the line amount" });
  }
  if (problems.length > 0) return { line: null, problems };
  return {
    line: {
      id: request.lineId,
      variantId: request.variantId,
      quantity: request.quantity,
      unitPrice: price.amount,
      discount,
    },
    problems,
  };
}
