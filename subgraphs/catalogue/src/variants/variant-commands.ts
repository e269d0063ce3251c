import { isRetryableTransactionError, uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import type { Money } from "@shopstream/money";
import { appendToOutbox, type EventMetadata, newId, toEnvelope } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { CatalogueDeps } from "../context.ts";
import type { Decision } from "../shared/decision.ts";
import {
  insertVariant,
  loadVariant,
  lockParentProduct,
  saveVariant,
} from "./product-variant.repository.ts";
import {
  type AddProductVariantCommand,
  addProductVariant as decideAdd,
  changeVariantPrice as decidePrice,
  setVariantTierPrice as decideTier,
  type ParentProduct,
  type PriceTier,
  type ProductVariant,
  type VariantEvent,
} from "./product-variant.ts";

/**
 * Adds a variant to a product (not ARCHIVED). The variant SKU is unique by the database's index,
 * so of two concurrent additions with one SKU exactly one succeeds; the other is DUPLICATE.
 */
export async function addProductVariant(
  deps: CatalogueDeps,
  productId: string,
  command: AddProductVariantCommand,
  metadata: EventMetadata,
): Promise<ProductVariant> {
  assertUuid(productId, "productId");
  const now = deps.now?.() ?? new Date();
  try {
    return await deps.prisma.$transaction(async (tx) => {
      const product = await lockParentProduct(tx, productId);
      if (!product) throw DomainError.notFound("Product", productId);
      const { state, events } = decideAdd(product, command, newId(), now);
      await insertVariant(tx, state);
      await appendToOutbox(
        tx,
        events.map((e) => toEnvelope(e, metadata, now)),
      );
      return state;
    });
  } catch (error) {
    if (uniqueViolationFields(error)) throw DomainError.duplicate("productVariant", "variantSku");
    if (isRetryableTransactionError(error)) throw DomainError.conflict("product", productId);
    throw error;
  }
}

async function changeVariant(
  deps: CatalogueDeps,
  variantId: string,
  decide: (
    v: ProductVariant,
    p: ParentProduct,
    now: Date,
  ) => Decision<ProductVariant, VariantEvent>,
  metadata: EventMetadata,
): Promise<ProductVariant> {
  assertUuid(variantId);
  const now = deps.now?.() ?? new Date();
  return retryableAsConflict(variantId, () =>
    deps.prisma.$transaction(async (tx) => {
      const variant = await loadVariant(tx, variantId);
      if (!variant) throw DomainError.notFound("ProductVariant", variantId);
      const product = await lockParentProduct(tx, variant.productId);
      if (!product) throw DomainError.notFound("Product", variant.productId);
      const { state, events } = decide(variant, product, now);
      if (events.length === 0) return variant;
      await saveVariant(tx, variant, state);
      await appendToOutbox(
        tx,
        events.map((e) => toEnvelope(e, metadata, now)),
      );
      return state;
    }),
  );
}

/** A deadlock (or serialization failure) is reported like a version mismatch: retry. */
async function retryableAsConflict<T>(variantId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isRetryableTransactionError(error)) throw DomainError.conflict("productVariant", variantId);
    throw error;
  }
}

/** Changes the base price; tier prices stay and must remain below it. */
export function changeVariantPrice(
  deps: CatalogueDeps,
  variantId: string,
  price: Money,
  metadata: EventMetadata,
): Promise<ProductVariant> {
  return changeVariant(deps, variantId, (v, p, now) => decidePrice(v, p, price, now), metadata);
}

/** Sets one tier's price, or removes it when `amount` is null. */
export function setVariantTierPrice(
  deps: CatalogueDeps,
  variantId: string,
  tier: PriceTier,
  amount: number | null,
  metadata: EventMetadata,
): Promise<ProductVariant> {
  return changeVariant(
    deps,
    variantId,
    (v, p, now) => decideTier(v, p, tier, amount, now),
    metadata,
  );
}
