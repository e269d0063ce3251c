import { type Connection, connectionOf } from "@shopstream/connection";
import type { IdentityDb } from "../db.ts";
import type { createCustomerLoader } from "./customer.queries.ts";
import type { Customer } from "./customer.ts";
import { findDirectoryPage } from "./customer-directory.repository.ts";
import { type CustomersArgs, directoryCursors, parseCustomersArgs } from "./customer-directory.ts";

/**
 * `Query.customers`: filters and pages over the customer directory (the read model), then loads
 * each node through the request's customer loader, so every field comes from the source of truth
 * in one batched query. A directory entry whose customer is missing is left out.
 */
export async function searchCustomers(
  db: IdentityDb,
  customers: ReturnType<typeof createCustomerLoader>,
  args: CustomersArgs,
): Promise<Connection<Customer>> {
  const page = await findDirectoryPage(db, parseCustomersArgs(args));
  const nodes = await customers.loadMany(page.entries.map((e) => e.id));
  const edges = page.entries.flatMap((entry, i) => {
    const node = nodes[i];
    if (node instanceof Error) throw node;
    return node ? [{ cursor: directoryCursors.encode(entry), node }] : [];
  });
  return connectionOf(edges, page);
}
