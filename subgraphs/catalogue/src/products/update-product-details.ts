import type { EventMetadata } from "@shopstream/outbox";
import type { CatalogueDeps } from "../context.ts";
import { findCategoryLookup } from "./product.repository.ts";
import {
  updateProductDetails as decide,
  type Product,
  type ProductDetailsInput,
} from "./product.ts";
import { changeProduct } from "./product-command.ts";

/** Updates a product's details; only changed fields are recorded in ProductDetailsUpdated. */
export function updateProductDetails(
  deps: CatalogueDeps,
  productId: string,
  input: ProductDetailsInput,
  metadata: EventMetadata,
): Promise<Product> {
  return changeProduct(
    deps,
    productId,
    async (product, { tx, now }) =>
      decide(product, input, await findCategoryLookup(tx, input.categoryId), now),
    metadata,
  );
}
