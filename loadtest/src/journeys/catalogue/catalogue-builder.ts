import { type Journey, need, op } from "../../harness/journey.ts";
import { CATALOGUE } from "../fixture.ts";
import { activateProductStep, addVariantStep, createProductStep } from "../steps.ts";

const ADD_IMAGE = `mutation AddProductImage($id: ID!, $input: AddProductImageInput!) { addProductImage(productId: $id, input: $input) { id } }`;

/** Catalogue builder: product → 2 variants → 2 images → activate (6 events). */
export const catalogueBuilder = (): Journey => ({
  name: "catalogue.catalogue-builder",
  context: "catalogue",
  steps: [
    createProductStep("CB", (sku) => ({ title: `Builder ${sku}`, brand: "Load" })),
    ...[0, 1].map((i) => addVariantStep(String(i), 1500 + i * 250)),
    ...[0, 1].map((i) =>
      op("AddProductImage", CATALOGUE, ADD_IMAGE, (c) => ({
        id: need(c, "productId"),
        input: {
          url: `https://images.example.com/${need(c, "sku")}/${i}.jpg`,
          altText: `view ${i}`,
          isPrimary: i === 0,
        },
      })),
    ),
    activateProductStep,
  ],
});
