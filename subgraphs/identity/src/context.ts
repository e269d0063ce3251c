import { requestedBy } from "@shopstream/outbox";
import type { RequestContext } from "@shopstream/service";
import { createCustomerLoader } from "./customers/customer.queries.ts";
import type { IdentityPrisma } from "./db.ts";

/** What every identity command gets: the context's database and a clock (injected by tests). */
export interface IdentityDeps {
  prisma: IdentityPrisma;
  now?: () => Date;
}

export interface IdentityContext extends RequestContext {
  deps: IdentityDeps;
  loaders: { customer: ReturnType<typeof createCustomerLoader> };
}

export function createContext(deps: IdentityDeps, base: RequestContext): IdentityContext {
  return { ...base, deps, loaders: { customer: createCustomerLoader(deps.prisma) } };
}

/** Event metadata for commands issued by this request. */
export function metadataOf(ctx: IdentityContext, idempotencyKey: string | null = null) {
  return requestedBy(ctx, idempotencyKey);
}
