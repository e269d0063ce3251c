import { changeAggregate, createAggregate } from "@shopstream/commands";
import { uniqueViolationFields } from "@shopstream/db";
import { DomainError } from "@shopstream/errors";
import type { Money } from "@shopstream/money";
import { type EventMetadata, newId } from "@shopstream/outbox";
import { assertUuid } from "@shopstream/rules";
import type { CatalogueDeps } from "../context.ts";
import { lockParentProduct, variantStore } from "./product-variant.repository.ts";
import {
  type AddProductVariantCommand,
  addProductVariant as decideAdd,
  changeVariantPrice as decidePrice,
  setVariantTierPrice as decideTier,
  type ParentProduct,
  type PriceTier,
  type ProductVariant,
  type VariantDecision,
} from "./product-variant.ts";

const variantSkuTaken = (error: unknown) =>
  uniqueViolationFields(error) ? DomainError.duplicate("productVariant", "variantSku") : null;

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
  return createAggregate(
    deps,
    variantStore,
    async ({ tx, now }) => decideAdd(await lockParentProduct(tx, productId), command, newId(), now),
    metadata,
    { mapError: variantSkuTaken },
  );
}

/** A change to one variant, decided with its product's status read under a share lock. */
async function changeVariant(
  deps: CatalogueDeps,
  variantId: string,
  decide: (variant: ProductVariant, product: ParentProduct, now: Date) => VariantDecision,
  metadata: EventMetadata,
): Promise<ProductVariant> {
  assertUuid(variantId);
  return changeAggregate(
    deps,
    variantStore,
    variantId,
    async (variant, { tx, now }) =>
      decide(variant, await lockParentProduct(tx, variant.productId), now),
    metadata,
  );
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
