import { type Journey, need, op } from "../../harness/journey.ts";
import { ACTIVATE, ADD_VARIANT, CREATE_PRODUCT } from "../fixture.ts";

/** Product lifecycle: DRAFT → ACTIVE → DISCONTINUED → ARCHIVED. */
export const productLifecycle = (): Journey => ({
  name: "catalogue.product-lifecycle",
  context: "catalogue",
  steps: [
    op<{ createProduct: { id: string } }>(
      "CreateProduct",
      CREATE_PRODUCT,
      (c) => {
        c.state.sku = c.unique("PL").toUpperCase();
        return { input: { sku: c.state.sku, title: `Lifecycle ${c.state.sku}` } };
      },
      (d, c) => {
        c.state.productId = d.createProduct.id;
      },
    ),
    op("AddProductVariant", ADD_VARIANT, (c) => ({
      id: need(c, "productId"),
      input: { variantSku: `${need(c, "sku")}-V`, price: { amount: 999, currency: "EUR" } },
    })),
    op("ActivateProduct", ACTIVATE, (c) => ({ id: need(c, "productId") })),
    op(
      "DiscontinueProduct",
      `mutation DiscontinueProduct($id: ID!) { discontinueProduct(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "productId"),
      }),
    ),
    op(
      "ArchiveProduct",
      `mutation ArchiveProduct($id: ID!) { archiveProduct(id: $id) { id status } }`,
      (c) => ({
        id: need(c, "productId"),
      }),
    ),
  ],
});
