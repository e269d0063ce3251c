import { createAggregate } from "@shopstream/commands";
import { type EventMetadata, newId } from "@shopstream/outbox";
import type { CatalogueDeps } from "../context.ts";
import { findCategoryLookup, productStore } from "./product.repository.ts";
import { type CreateProductCommand, createProduct as decide, type Product } from "./product.ts";
import { productDuplicate } from "./product-command.ts";

/** Creates a DRAFT product. SKU and slug uniqueness are the database's (→ DUPLICATE). */
export function createProduct(
  deps: CatalogueDeps,
  command: CreateProductCommand,
  metadata: EventMetadata,
): Promise<Product> {
  return createAggregate(
    deps,
    productStore,
    async ({ tx, now }) =>
      decide(
        command,
        { productId: newId() },
        await findCategoryLookup(tx, command.categoryId),
        now,
      ),
    metadata,
    { mapError: productDuplicate },
  );
}
