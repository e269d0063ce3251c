import { runSubgraph } from "@shopstream/service";
import { createContext } from "./context.ts";
import { createInventoryPrisma } from "./db.ts";
import { createServer } from "./server.ts";

await runSubgraph({
  context: "inventory",
  createPrisma: createInventoryPrisma,
  createServer,
  createContext: (prisma, base) => createContext({ prisma }, base),
});
