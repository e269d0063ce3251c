import { DomainError } from "@shopstream/errors";
import { nextVersion } from "../shared/decision.ts";
import {
  type Product,
  type ProductDecision,
  type ProductStatus,
  productDecision,
} from "./product.ts";

/**
 * The product lifecycle: DRAFT → ACTIVE → DISCONTINUED → ARCHIVED, one step at a time and forward
 * only. Every other move is INVALID_STATE_TRANSITION.
 */

export const PRODUCT_TRANSITIONS = {
  activate: { from: "DRAFT", to: "ACTIVE", event: "ProductActivated" },
  discontinue: { from: "ACTIVE", to: "DISCONTINUED", event: "ProductDiscontinued" },
  archive: { from: "DISCONTINUED", to: "ARCHIVED", event: "ProductArchived" },
} as const satisfies Record<string, { from: ProductStatus; to: ProductStatus; event: string }>;

export type ProductTransition = keyof typeof PRODUCT_TRANSITIONS;

/**
 * Moves the product one step along its lifecycle. `variantIds` are the product's variants (oldest
 * first); activation needs at least one, and every status event lists them so that consumers
 * (ordering's price view) can mark each variant orderable or not.
 */
export function changeProductStatus(
  product: Product,
  action: ProductTransition,
  variantIds: string[],
  now: Date,
): ProductDecision {
  const transition = PRODUCT_TRANSITIONS[action];
  if (product.status !== transition.from)
    throw DomainError.invalidTransition("product", product.status, action);
  if (action === "activate" && variantIds.length === 0) {
    throw new DomainError(
      "INVALID_STATE_TRANSITION",
      `Cannot activate product ${product.id}: it has no variants`,
      { entity: "product", from: product.status, action, reason: "a product needs a variant" },
    );
  }
  const state = nextVersion(product, { status: transition.to }, now);
  return productDecision(state, transition.event, {
    productId: product.id,
    previousStatus: product.status,
    status: state.status,
    variantIds,
  });
}
