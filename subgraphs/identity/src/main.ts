import { runSubgraph } from "@shopstream/service";
import { createContext } from "./context.ts";
import { createIdentityPrisma } from "./db.ts";
import { createServer } from "./server.ts";

await runSubgraph({
  context: "identity",
  createPrisma: createIdentityPrisma,
  createServer,
  createContext: (prisma, base) => createContext({ prisma }, base),
});
