import { defaultMetadata } from "@shopstream/outbox";
import { unique } from "@shopstream/testing";
import type { CatalogueDeps } from "../src/context.ts";
import { createProduct } from "../src/products/create-product.ts";
import { addProductVariant } from "../src/variants/variant-commands.ts";

/** Helpers shared by the catalogue's integration tests. */

export const meta = () => defaultMetadata({ actor: "test" });

/** A fresh, valid SKU (upper case, single hyphens). */
export const newSku = (prefix = "P") => unique(prefix).toUpperCase();

export async function productWithVariant(deps: CatalogueDeps, title = "Test product") {
  const sku = newSku();
  const product = await createProduct(deps, { sku, title }, meta());
  const variant = await addProductVariant(
    deps,
    product.id,
    { variantSku: `${sku}-V1`, price: { amount: 1000, currency: "EUR" } },
    meta(),
  );
  return { sku, product, variant };
}
