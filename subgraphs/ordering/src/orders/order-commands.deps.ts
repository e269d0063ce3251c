import type { OrderingPrisma } from "../db.ts";

/** What a command needs: the database and, for tests, a clock. */
export interface CommandDeps {
  prisma: OrderingPrisma;
  now?: () => Date;
}
