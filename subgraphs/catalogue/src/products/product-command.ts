import { type AggregateStore, changeAggregate, type Decide } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import type { EventMetadata } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { CatalogueDeps, CatalogueTx } from "../context.ts";
import { productStore } from "./product.repository.ts";
import type { Product } from "./product.ts";

/** Maps a unique violation on the product table to DUPLICATE naming the input field. */
export function productDuplicate(error: unknown): DomainError | null {
  const fields = uniqueViolationFields(error);
  if (!fields) return null;
  return DomainError.duplicate("product", fields.some((f) => f.includes("slug")) ? "slug" : "sku");
}

/**
 * One command on an existing product, through the shared write path: a malformed id is
 * VALIDATION_FAILED naming `idField`, a taken SKU or slug is DUPLICATE. `store` is
 * `lockedProductStore` for decisions that read the product's variants.
 */
export async function changeProduct(
  deps: CatalogueDeps,
  productId: string,
  decide: Decide<Product, CatalogueTx>,
  metadata: EventMetadata,
  opts: { store?: AggregateStore<Product, CatalogueTx>; idField?: string } = {},
): Promise<Product> {
  assertUuid(productId, opts.idField ?? "id");
  const store = opts.store ?? productStore;
  return changeAggregate(deps, store, productId, decide, metadata, { mapError: productDuplicate });
}
