import type { Journey } from "../../harness/journey.ts";
import { fixtureStep } from "../fixture.ts";
import {
  awaitPaid,
  completeStep,
  confirmStep,
  deliverStep,
  placeStep,
  processingStep,
  shipStep,
} from "./lifecycle-steps.ts";

/** Full order lifecycle: place → confirm → paid → processing → shipped → delivered → completed. */
export const fullOrderLifecycle = (): Journey => ({
  name: "ordering.full-order-lifecycle",
  context: "ordering",
  steps: [
    fixtureStep,
    placeStep(2),
    confirmStep,
    awaitPaid,
    processingStep,
    shipStep,
    deliverStep,
    completeStep,
  ],
});
