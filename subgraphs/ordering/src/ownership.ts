import type { Owner, OwnerLookups } from "@shopstream/service";
import type { OrderingContext } from "./context.ts";

/*
 * Who owns ordering's customer-owned entities, for the policy table (`enforcePolicy`): an order's
 * customer; a cart's customer, or for a guest cart the hash of its token. The look-ups read
 * through the request's loaders, so every check of one request (the items of an `_entities`
 * call, the two carts of a merge) is one query per kind, and the resolver that runs after the
 * check finds the row already loaded.
 */

/** The owners of the entities `ids` names that exist, keyed by the ids as asked. */
async function ownersOf(
  ids: readonly string[],
  load: (ids: readonly string[]) => Promise<(Owner | null | Error)[]>,
): Promise<ReadonlyMap<string, Owner>> {
  const rows = await load(ids);
  const owners = new Map<string, Owner>();
  ids.forEach((id, i) => {
    const row = rows[i];
    // A failed look-up must not read as "missing": the resolver would then run unchecked.
    if (row instanceof Error) throw row;
    if (row) owners.set(id, row);
  });
  return owners;
}

export const orderingOwners: OwnerLookups<OrderingContext> = {
  Order: (ids, ctx) => ownersOf(ids, (keys) => ctx.loaders.order.loadMany(keys)),
  Cart: (ids, ctx) => ownersOf(ids, (keys) => ctx.loaders.cart.loadMany(keys)),
};
