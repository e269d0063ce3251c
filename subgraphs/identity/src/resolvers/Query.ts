import { assertUuid } from "@shopstream/rules";
import type { IdentityContext } from "../context.ts";
import { searchCustomers } from "../customers/customer-directory.queries.ts";
import type { CustomersArgs } from "../customers/customer-directory.ts";
import { customerIdByExternalId } from "../customers/customer-id.queries.ts";

export const Query = {
  // Ids are UUIDs in either case, stored in lower case.
  customer: (_: unknown, args: { id: string }, ctx: IdentityContext) =>
    ctx.loaders.customer.load(assertUuid(args.id).toLowerCase()),
  customers: (_: unknown, args: CustomersArgs, ctx: IdentityContext) =>
    searchCustomers(ctx.deps.prisma, ctx.loaders.customer, args),
  // @inaccessible: only the gateway asks (for a signed-in customer's own record).
  _customerIdByExternalId: (_: unknown, args: { externalId: string }, ctx: IdentityContext) =>
    customerIdByExternalId(ctx.deps.prisma, args.externalId),
};
