import type { IdentityContext } from "../context.ts";
import { type Customer as CustomerModel, canPlaceOrders } from "../customers/customer.ts";

export const Customer = {
  __resolveReference: (ref: { id: string }, ctx: IdentityContext) =>
    ctx.loaders.customer.load(ref.id),
  defaultAddress: (customer: CustomerModel) => customer.addresses.find((a) => a.isDefault) ?? null,
  canPlaceOrders: (customer: CustomerModel) => canPlaceOrders(customer),
};
