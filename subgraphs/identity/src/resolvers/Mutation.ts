import { type IdentityContext, metadataOf } from "../context.ts";
import type { RegisterCustomerCommand } from "../customers/customer.ts";
import { registerCustomer } from "../customers/register-customer.ts";

export const Mutation = {
  registerCustomer: (_: unknown, args: { input: RegisterCustomerCommand }, ctx: IdentityContext) =>
    registerCustomer(ctx.deps, args.input, metadataOf(ctx)),
};
