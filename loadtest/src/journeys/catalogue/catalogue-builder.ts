import { type Journey, need, op } from "../../harness/journey.ts";
import { ACTIVATE, ADD_VARIANT, CREATE_PRODUCT } from "../fixture.ts";

const ADD_IMAGE = `mutation AddProductImage($id: ID!, $input: AddProductImageInput!) { addProductImage(productId: $id, input: $input) { id } }`;

/** Catalogue builder: product → 2 variants → 2 images → activate (6 events). */
export const catalogueBuilder = (): Journey => ({
  name: "catalogue.catalogue-builder",
  context: "catalogue",
  steps: [
    op<{ createProduct: { id: string } }>(
      "CreateProduct",
      CREATE_PRODUCT,
      (c) => {
        c.state.sku = c.unique("CB").toUpperCase();
        return { input: { sku: c.state.sku, title: `Builder ${c.state.sku}`, brand: "Load" } };
      },
      (d, c) => {
        c.state.productId = d.createProduct.id;
      },
    ),
    ...[0, 1].map((i) =>
      op("AddProductVariant", ADD_VARIANT, (c) => ({
        id: need(c, "productId"),
        input: {
          variantSku: `${need(c, "sku")}-${i}`,
          price: { amount: 1500 + i * 250, currency: "EUR" },
        },
      })),
    ),
    ...[0, 1].map((i) =>
      op("AddProductImage", ADD_IMAGE, (c) => ({
        id: need(c, "productId"),
        input: {
          url: `https://images.example.com/${need(c, "sku")}/${i}.jpg`,
          altText: `view ${i}`,
          isPrimary: i === 0,
        },
      })),
    ),
    op("ActivateProduct", ACTIVATE, (c) => ({ id: need(c, "productId") })),
  ],
});
