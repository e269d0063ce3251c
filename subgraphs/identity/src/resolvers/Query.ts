import { DomainError } from "@shopstream/errors";
import { isUuid } from "@shopstream/rules";
import type { IdentityContext } from "../context.ts";
import { searchCustomers } from "../customers/customer-directory.queries.ts";
import type { CustomersArgs } from "../customers/customer-directory.ts";

export const Query = {
  customer: (_: unknown, args: { id: string }, ctx: IdentityContext) => {
    if (!isUuid(args.id))
      throw DomainError.validation([{ field: "id", message: "must be a UUID" }]);
    return ctx.loaders.customer.load(args.id);
  },
  customers: (_: unknown, args: CustomersArgs, ctx: IdentityContext) =>
    searchCustomers(ctx.deps.prisma, ctx.loaders.customer, args),
};
