import type { Journey } from "../../harness/journey.ts";
import { CATALOGUE } from "../fixture.ts";
import {
  activateProductStep,
  addVariantStep,
  createProductStep,
  transitionSteps,
} from "../steps.ts";

/** Product lifecycle: DRAFT → ACTIVE → DISCONTINUED → ARCHIVED. */
export const productLifecycle = (): Journey => ({
  name: "catalogue.product-lifecycle",
  context: "catalogue",
  steps: [
    createProductStep("PL", (sku) => ({ title: `Lifecycle ${sku}` })),
    addVariantStep("V", 999),
    activateProductStep,
    ...transitionSteps("productId", CATALOGUE, {
      DiscontinueProduct: `mutation DiscontinueProduct($id: ID!) { discontinueProduct(id: $id) { id status } }`,
      ArchiveProduct: `mutation ArchiveProduct($id: ID!) { archiveProduct(id: $id) { id status } }`,
    }),
  ],
});
