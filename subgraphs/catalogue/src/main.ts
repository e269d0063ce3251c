import { runSubgraph } from "@shopstream/service";
import { createContext } from "./context.ts";
import { createCataloguePrisma } from "./db.ts";
import { createServer } from "./server.ts";

await runSubgraph({
  context: "catalogue",
  createPrisma: createCataloguePrisma,
  createServer,
  createContext,
});
