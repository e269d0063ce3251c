import type { Journey } from "../../harness/journey.ts";
import { activateProductStep, addVariantStep, createProductStep, idOp } from "../steps.ts";

/** Product lifecycle: DRAFT → ACTIVE → DISCONTINUED → ARCHIVED. */
export const productLifecycle = (): Journey => ({
  name: "catalogue.product-lifecycle",
  context: "catalogue",
  steps: [
    createProductStep("PL", (sku) => ({ title: `Lifecycle ${sku}` })),
    addVariantStep("V", 999),
    activateProductStep,
    idOp(
      "DiscontinueProduct",
      `mutation DiscontinueProduct($id: ID!) { discontinueProduct(id: $id) { id status } }`,
      "productId",
    ),
    idOp(
      "ArchiveProduct",
      `mutation ArchiveProduct($id: ID!) { archiveProduct(id: $id) { id status } }`,
      "productId",
    ),
  ],
});
