import type { EventMetadata } from "@shopstream/outbox";
import { type IdentityContext, type IdentityDeps, metadataOf } from "../context.ts";
import * as commands from "../customers/change-customer.ts";
import type { Customer, RegisterCustomerCommand } from "../customers/customer.ts";
import { registerCustomer } from "../customers/register-customer.ts";

/** A mutation runs its command with the request's deps and metadata; its arguments pass as they are. */
const mutation =
  <A>(command: (deps: IdentityDeps, args: A, metadata: EventMetadata) => Promise<Customer>) =>
  (_: unknown, args: A, ctx: IdentityContext) =>
    command(ctx.deps, args, metadataOf(ctx));

export const Mutation = {
  registerCustomer: mutation((deps, { input }: { input: RegisterCustomerCommand }, metadata) =>
    registerCustomer(deps, input, metadata),
  ),
  updateCustomerProfile: mutation(commands.updateCustomerProfile),
  addCustomerAddress: mutation(commands.addCustomerAddress),
  updateCustomerAddress: mutation(commands.updateCustomerAddress),
  removeCustomerAddress: mutation(commands.removeCustomerAddress),
  setDefaultCustomerAddress: mutation(commands.setDefaultCustomerAddress),
  suspendCustomer: mutation(commands.suspendCustomer),
  reactivateCustomer: mutation(commands.reactivateCustomer),
  closeCustomer: mutation(commands.closeCustomer),
  upgradeCustomerTier: mutation(commands.upgradeCustomerTier),
};
