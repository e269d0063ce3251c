import { runSubgraph } from "@shopstream/service";
import { createContext } from "./context.ts";
import { createOrderingPrisma } from "./db.ts";
import { createServer } from "./server.ts";

await runSubgraph({
  context: "ordering",
  createPrisma: createOrderingPrisma,
  createServer,
  createContext,
});
