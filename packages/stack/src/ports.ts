import { fetchPortProblem } from "@shopstream/config";
import { ALL_SPECS } from "./services.ts";

/**
 * Why the stack cannot run on port base `base`, or null. The services call each other with fetch
 * (the gateway its subgraphs, the workers the payment provider, the provider the payments webhook)
 * and clients reach the gateway with fetch or a browser, so every service's port must be one
 * fetch connects to.
 */
export function portBaseProblem(base: number): string | null {
  for (const spec of ALL_SPECS) {
    const port = base + spec.portOffset;
    if (port > 65535) return `puts ${spec.name} on port ${port}, above 65535`;
    const problem = fetchPortProblem(port);
    if (problem) return `puts ${spec.name} on ${problem}; choose another base, e.g. 4000`;
  }
  return null;
}
