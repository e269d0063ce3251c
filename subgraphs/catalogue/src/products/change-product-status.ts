import type { EventMetadata } from "@shopstream/outbox";
import type { CatalogueDeps } from "../context.ts";
import { lockedProductStore, variantIdsOf } from "./product.repository.ts";
import type { Product } from "./product.ts";
import { changeProduct } from "./product-command.ts";
import { changeProductStatus, type ProductTransition } from "./product-status.ts";

/**
 * Moves a product along its lifecycle. The product row is locked before its variants are read:
 * adding a variant takes a share lock on it, so the event's `variantIds` cannot miss a variant
 * added concurrently, and activation cannot race the first variant's insert.
 */
function transition(action: ProductTransition) {
  return (deps: CatalogueDeps, productId: string, metadata: EventMetadata): Promise<Product> =>
    changeProduct(
      deps,
      productId,
      async (product, { tx, now }) =>
        changeProductStatus(product, action, await variantIdsOf(tx, product.id), now),
      metadata,
      { store: lockedProductStore },
    );
}

/** DRAFT → ACTIVE; needs at least one variant. */
export const activateProduct = transition("activate");
/** ACTIVE → DISCONTINUED. */
export const discontinueProduct = transition("discontinue");
/** DISCONTINUED → ARCHIVED; the product is read-only from then on. */
export const archiveProduct = transition("archive");
