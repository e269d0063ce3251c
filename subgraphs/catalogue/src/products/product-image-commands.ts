import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { CatalogueDeps } from "../context.ts";
import type { Product } from "./product.ts";
import { changeProduct } from "./product-command.ts";
import {
  type AddProductImageCommand,
  addProductImage as decideAdd,
  removeProductImage as decideRemove,
} from "./product-images.ts";

/** Adds an image to a product (at most 10; the first is primary). */
export function addProductImage(
  deps: CatalogueDeps,
  productId: string,
  command: AddProductImageCommand,
  metadata: EventMetadata,
): Promise<Product> {
  return changeProduct(
    deps,
    productId,
    (product, { now }) => decideAdd(product, command, newId(), now),
    metadata,
    { idField: "productId" },
  );
}

/** Removes an image; removing the primary promotes the next image. */
export async function removeProductImage(
  deps: CatalogueDeps,
  productId: string,
  imageId: string,
  metadata: EventMetadata,
): Promise<Product> {
  assertUuid(imageId, "imageId");
  return changeProduct(
    deps,
    productId,
    (product, { now }) => decideRemove(product, imageId, now),
    metadata,
    { idField: "productId" },
  );
}
