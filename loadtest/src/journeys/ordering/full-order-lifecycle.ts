import type { Journey } from "../../harness/journey.ts";
import {
  completeStep,
  deliverStep,
  paidOrderSteps,
  processingStep,
  shipStep,
} from "./lifecycle-steps.ts";

/** Full order lifecycle: place → confirm → paid → processing → shipped → delivered → completed. */
export const fullOrderLifecycle = (): Journey => ({
  name: "ordering.full-order-lifecycle",
  context: "ordering",
  steps: [...paidOrderSteps(), processingStep, shipStep, deliverStep, completeStep],
});
