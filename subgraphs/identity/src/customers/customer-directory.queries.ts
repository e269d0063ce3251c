import { type Connection, connectionOf, toConnection } from "@shopstream/connection";
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
  const query = parseCustomersArgs(args);
  const { entries, totalCount } = await findDirectoryPage(db, query);
  const page = toConnection(entries, query, directoryCursors.encode, totalCount);
  const nodes = await customers.loadMany(page.edges.map((e) => e.node.id));
  const edges = page.edges.flatMap(({ cursor }, i) => {
    const node = nodes[i];
    if (node instanceof Error) throw node;
    return node ? [{ cursor, node }] : [];
  });
  return connectionOf(edges, { ...page.pageInfo, totalCount });
}
