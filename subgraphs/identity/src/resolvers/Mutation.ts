import { type IdentityContext, metadataOf } from "../context.ts";
import * as commands from "../customers/change-customer.ts";
import type { CustomerTier, RegisterCustomerCommand } from "../customers/customer.ts";
import type { UpdateAddressCommand } from "../customers/customer-addresses.ts";
import type { UpdateCustomerProfileCommand } from "../customers/customer-profile.ts";
import type { AddressInput } from "../customers/customer-rules.ts";
import { registerCustomer } from "../customers/register-customer.ts";

type Ctx = IdentityContext;
type AddressRef = { customerId: string; addressId: string };

export const Mutation = {
  registerCustomer: (_: unknown, args: { input: RegisterCustomerCommand }, ctx: Ctx) =>
    registerCustomer(ctx.deps, args.input, metadataOf(ctx)),
  updateCustomerProfile: (
    _: unknown,
    args: { id: string; input: UpdateCustomerProfileCommand },
    ctx: Ctx,
  ) => commands.updateCustomerProfile(ctx.deps, args.id, args.input, metadataOf(ctx)),
  addCustomerAddress: (_: unknown, args: { customerId: string; input: AddressInput }, ctx: Ctx) =>
    commands.addCustomerAddress(ctx.deps, args.customerId, args.input, metadataOf(ctx)),
  updateCustomerAddress: (
    _: unknown,
    args: AddressRef & { input: UpdateAddressCommand },
    ctx: Ctx,
  ) =>
    commands.updateCustomerAddress(
      ctx.deps,
      args.customerId,
      args.addressId,
      args.input,
      metadataOf(ctx),
    ),
  removeCustomerAddress: (_: unknown, args: AddressRef, ctx: Ctx) =>
    commands.removeCustomerAddress(ctx.deps, args.customerId, args.addressId, metadataOf(ctx)),
  setDefaultCustomerAddress: (_: unknown, args: AddressRef, ctx: Ctx) =>
    commands.setDefaultCustomerAddress(ctx.deps, args.customerId, args.addressId, metadataOf(ctx)),
  suspendCustomer: (_: unknown, args: { id: string; reason: string }, ctx: Ctx) =>
    commands.suspendCustomer(ctx.deps, args.id, args.reason, metadataOf(ctx)),
  reactivateCustomer: (_: unknown, args: { id: string }, ctx: Ctx) =>
    commands.reactivateCustomer(ctx.deps, args.id, metadataOf(ctx)),
  closeCustomer: (_: unknown, args: { id: string }, ctx: Ctx) =>
    commands.closeCustomer(ctx.deps, args.id, metadataOf(ctx)),
  upgradeCustomerTier: (_: unknown, args: { id: string; tier: CustomerTier }, ctx: Ctx) =>
    commands.upgradeCustomerTier(ctx.deps, args.id, args.tier, metadataOf(ctx)),
};
