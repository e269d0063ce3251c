import { PrismaPg } from "@prisma/adapter-pg";

/**
 * The Prisma driver adapter every context uses, for real PostgreSQL and embedded PGlite alike
 * (PGlite is reached over TCP through pglite-socket, so the same `pg` path is exercised).
 */
export function createPgAdapter(connectionString: string, opts: { max?: number } = {}): PrismaPg {
  return new PrismaPg({ connectionString, max: opts.max ?? 10 });
}
