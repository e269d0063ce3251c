import { runSubgraph } from "@shopstream/service";
import { createContext } from "./context.ts";
import { createPaymentsPrisma } from "./db.ts";
import { createServer } from "./server.ts";

await runSubgraph({
  context: "payments",
  createPrisma: createPaymentsPrisma,
  createServer,
  createContext,
});
