import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CONTEXTS, type ContextName } from "../contexts.ts";

/** The repository's `prisma/` folder: one sub-folder per context. */
export const PRISMA_ROOT = fileURLToPath(new URL("../../../../prisma/", import.meta.url));

export interface ContextPaths {
  schemaPath: string;
  migrationsDir: string;
}

export function contextPaths(context: ContextName, prismaRoot = PRISMA_ROOT): ContextPaths {
  const dir = path.join(prismaRoot, context);
  return {
    schemaPath: path.join(dir, "schema.prisma"),
    migrationsDir: path.join(dir, "migrations"),
  };
}

/** The contexts that have a `prisma/<context>/schema.prisma`, in `CONTEXTS` order. */
export function contextsWithSchema(prismaRoot = PRISMA_ROOT): ContextName[] {
  return CONTEXTS.filter((ctx) => existsSync(contextPaths(ctx, prismaRoot).schemaPath));
}
