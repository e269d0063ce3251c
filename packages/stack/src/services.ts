import type { ContextName } from "@shopstream/db";

export interface ServiceSpec {
  name: string;
  /** Entry point relative to the repository root. */
  entry: string;
  /** Port = port base + offset (gateway 4000, subgraphs 4001–4005, workers 4010). */
  portOffset: number;
  context?: ContextName;
}

export const SUBGRAPH_SPECS: ServiceSpec[] = [
  { name: "identity", entry: "subgraphs/identity/src/main.ts", portOffset: 1, context: "identity" },
  {
    name: "catalogue",
    entry: "subgraphs/catalogue/src/main.ts",
    portOffset: 2,
    context: "catalogue",
  },
  { name: "ordering", entry: "subgraphs/ordering/src/main.ts", portOffset: 3, context: "ordering" },
  {
    name: "inventory",
    entry: "subgraphs/inventory/src/main.ts",
    portOffset: 4,
    context: "inventory",
  },
  { name: "payments", entry: "subgraphs/payments/src/main.ts", portOffset: 5, context: "payments" },
];

export const GATEWAY_SPEC: ServiceSpec = {
  name: "gateway",
  entry: "gateway/src/main.ts",
  portOffset: 0,
};
export const WORKERS_SPEC: ServiceSpec = {
  name: "workers",
  entry: "workers/src/main.ts",
  portOffset: 10,
};

/** The simulated payment provider (an outside system in production). */
export const PROVIDER_SPEC: ServiceSpec = {
  name: "payment-provider",
  entry: "packages/payment-provider/src/main.ts",
  portOffset: 20,
};

export const ALL_SPECS: ServiceSpec[] = [
  ...SUBGRAPH_SPECS,
  GATEWAY_SPEC,
  WORKERS_SPEC,
  PROVIDER_SPEC,
];
